package dev.telltale.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.key.KeySet;
import dev.telltale.key.KeySetFile;
import dev.telltale.key.SecretAccess;
import dev.telltale.key.SigningKey;
import dev.telltale.provenance.AccountPseudonym;
import dev.telltale.provenance.PublicKeySet;
import dev.telltale.provenance.TextCarrier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code keys public}, {@code sign}, {@code verify} and {@code carrier} end to end. */
class ProvenanceCliTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TEXT = "The committee adopted the report.\nCafe\u0301 \uD83D\uDE00\n";

  @TempDir Path dir;
  Path keys;
  Path publicKeys;
  Path text;

  @BeforeEach
  void setUp() throws Exception {
    keys = dir.resolve("keys.json");
    ok(
        CliRun.run(
            "keys", "create", "--out", keys.toString(), "--id", "wm-1", "--signing-id", "sig-1"));
    publicKeys = writePublic();
    text = write("text.txt", TEXT);
  }

  private Path writePublic() throws Exception {
    CliRun pub = ok(CliRun.run("keys", "public", "--keys", keys.toString()));
    return write("public.json", pub.out());
  }

  private static CliRun ok(CliRun r) {
    assertEquals(ExitCode.OK, r.exitCode(), r.err());
    return r;
  }

  private Path write(String name, String content) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, content, StandardCharsets.UTF_8);
    return p;
  }

  private JsonNode verifyJson(int expectedExit, String... args) throws Exception {
    String[] all = new String[args.length + 4];
    all[0] = "verify";
    all[1] = "--public";
    all[2] = publicKeys.toString();
    all[3] = "--json";
    System.arraycopy(args, 0, all, 4, args.length);
    CliRun r = CliRun.run(all);
    assertEquals(expectedExit, r.exitCode(), r.err());
    return JSON.readTree(r.out());
  }

  @Test
  void publicKeySetHoldsNoSecrets() throws Exception {
    String pub = Files.readString(publicKeys);
    PublicKeySet set = PublicKeySet.parse(pub.getBytes(StandardCharsets.UTF_8));
    assertEquals("sig-1", set.keys().get(0).id().value());
    SigningKey k = KeySetFile.read(keys).primarySigningKey().orElseThrow();
    String seed =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(k.seed().toByteArray(SecretAccess.get()));
    assertFalse(pub.contains(seed));
    assertFalse(pub.contains("\"d\""));
    CliRun list = ok(CliRun.run("keys", "list", "--keys", keys.toString()));
    assertTrue(list.out().contains("sig-1"));
    assertFalse(list.out().contains(seed));
  }

  @Test
  void embeddedTokenVerifiesAndEditsAreCaught() throws Exception {
    CliRun signed =
        ok(
            CliRun.run(
                "sign",
                "--keys",
                keys.toString(),
                "--model",
                "m-1",
                "--account",
                "alice",
                "--embed",
                text.toString()));
    Path embedded = write("embedded.txt", signed.out());
    assertEquals(TEXT, TextCarrier.strip(signed.out()));

    JsonNode v = verifyJson(ExitCode.OK, embedded.toString());
    assertEquals("VALID", v.get("status").asText());
    assertEquals("sig-1", v.get("kid").asText());
    assertEquals("m-1", v.get("claims").get("model").asText());
    assertEquals("wm-1", v.get("claims").get("watermark_key_id").asText());
    assertEquals("kgw", v.get("claims").get("watermark_scheme").asText());
    KeySet set = KeySetFile.read(keys);
    assertEquals(
        AccountPseudonym.of(set.primary(), "alice"), v.get("claims").get("account").asText());
    assertEquals(v.get("text_chars").asInt(), v.get("covered_chars").asInt());

    Path edited = write("edited.txt", signed.out().replace("adopted", "rejected"));
    assertEquals(
        "DIGEST_MISMATCH",
        verifyJson(ExitCode.NOT_DETECTED, edited.toString()).get("status").asText());
    assertEquals(
        "MALFORMED", verifyJson(ExitCode.NOT_DETECTED, text.toString()).get("status").asText());

    CliRun human = CliRun.run("verify", "--public", publicKeys.toString(), embedded.toString());
    assertEquals(ExitCode.OK, human.exitCode(), human.err());
    assertTrue(human.out().startsWith("VALID"));
  }

  @Test
  void outOfBandTokenVerifies() throws Exception {
    String token = ok(CliRun.run("sign", "--keys", keys.toString(), text.toString())).out().strip();
    assertEquals(
        "VALID", verifyJson(ExitCode.OK, "--token", token, text.toString()).get("status").asText());
    Path tokenFile = dir.resolve("token.txt");
    ok(
        CliRun.run(
            "sign",
            "--keys",
            keys.toString(),
            "--token-out",
            tokenFile.toString(),
            text.toString()));
    assertEquals(
        "VALID",
        verifyJson(ExitCode.OK, "--token-file", tokenFile.toString(), text.toString())
            .get("status")
            .asText());
    assertEquals(
        "MALFORMED",
        verifyJson(ExitCode.NOT_DETECTED, "--token", "@@@", text.toString())
            .get("status")
            .asText());
    assertEquals(
        "EXPIRED",
        verifyJson(
                ExitCode.NOT_DETECTED, "--token", token, "--max-age", "PT0.001S", text.toString())
            .get("status")
            .asText());
  }

  @Test
  void rotatedSigningKeyLeavesOldTokensVerifiable() throws Exception {
    String old = ok(CliRun.run("sign", "--keys", keys.toString(), text.toString())).out().strip();
    ok(CliRun.run("keys", "rotate", "--signing", "--keys", keys.toString(), "--id", "sig-2"));
    publicKeys = writePublic();
    JsonNode v = verifyJson(ExitCode.OK, "--token", old, text.toString());
    assertEquals("sig-1", v.get("kid").asText());
    String fresh = ok(CliRun.run("sign", "--keys", keys.toString(), text.toString())).out().strip();
    assertEquals(
        "sig-2", verifyJson(ExitCode.OK, "--token", fresh, text.toString()).get("kid").asText());
    assertTrue(Files.readString(publicKeys).contains("\"retired\""));
  }

  @Test
  void tokenOfAnotherKeySetIsUnknown() throws Exception {
    Path other = dir.resolve("other.json");
    ok(CliRun.run("keys", "create", "--out", other.toString(), "--signing-id", "sig-other"));
    String token =
        ok(CliRun.run("sign", "--keys", other.toString(), text.toString())).out().strip();
    assertEquals(
        "UNKNOWN_KEY",
        verifyJson(ExitCode.NOT_DETECTED, "--token", token, text.toString())
            .get("status")
            .asText());
  }

  @Test
  void carrierCommands() throws Exception {
    String token = ok(CliRun.run("sign", "--keys", keys.toString(), text.toString())).out().strip();
    CliRun embedded = ok(CliRun.run("carrier", "embed", "--token", token, text.toString()));
    Path e = write("e.txt", embedded.out());
    assertEquals(token, ok(CliRun.run("carrier", "extract", e.toString())).out().strip());
    assertEquals(TEXT, ok(CliRun.run("carrier", "strip", e.toString())).out());
    assertEquals(
        ExitCode.NOT_DETECTED, CliRun.run("carrier", "extract", text.toString()).exitCode());
    Path two = write("two.txt", embedded.out() + embedded.out());
    assertEquals(
        ExitCode.NOT_DETECTED, CliRun.run("carrier", "extract", two.toString()).exitCode());
    assertEquals(
        ExitCode.BAD_INPUT,
        CliRun.run("carrier", "embed", "--token", token, e.toString()).exitCode());
    assertEquals(
        ExitCode.BAD_INPUT,
        CliRun.run("sign", "--keys", keys.toString(), "--embed", e.toString()).exitCode());
  }

  @Test
  void unreadableInputsExitTwo() throws Exception {
    Path bad = dir.resolve("bad.txt");
    Files.write(bad, new byte[] {'a', (byte) 0xC3});
    assertEquals(
        ExitCode.BAD_INPUT,
        CliRun.run("verify", "--public", publicKeys.toString(), bad.toString()).exitCode());
    assertEquals(
        ExitCode.BAD_INPUT,
        CliRun.run("verify", "--public", dir.resolve("missing.json").toString(), text.toString())
            .exitCode());
    CliRun notJwks = CliRun.run("verify", "--public", keys.toString(), text.toString());
    assertEquals(ExitCode.BAD_INPUT, notJwks.exitCode());
    assertEquals(1, notJwks.err().strip().lines().count(), notJwks.err());
    assertEquals(
        ExitCode.BAD_INPUT,
        CliRun.run(
                "verify", "--public", publicKeys.toString(), "--max-age", "soon", text.toString())
            .exitCode());

    Path old = dir.resolve("old.json");
    KeySetFile.write(old, KeySet.single(KeySetFile.read(keys).primary()), false);
    CliRun noSigning = CliRun.run("sign", "--keys", old.toString(), text.toString());
    assertEquals(ExitCode.BAD_INPUT, noSigning.exitCode());
    assertTrue(noSigning.err().contains("rotate --signing"));
    ok(CliRun.run("keys", "rotate", "--signing", "--keys", old.toString()));
    ok(CliRun.run("sign", "--keys", old.toString(), text.toString()));
  }
}
