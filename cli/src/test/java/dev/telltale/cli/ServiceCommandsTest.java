package dev.telltale.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.provenance.PublicKeySet;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code telltale tokens} and {@code telltale serve} against a real embedded database. */
class ServiceCommandsTest {
  @TempDir Path dir;

  @Test
  void tokensAreCreatedOnceListedWithoutSecretsAndRevoked() {
    String data = dir.resolve("data").toString();
    CliRun created =
        CliRun.run("tokens", "create", "--role", "auditor", "--label", "bob", "--data", data);
    assertEquals(ExitCode.OK, created.exitCode(), created.err());
    String bearer = created.out().strip();
    assertTrue(bearer.matches("tt_[0-9a-f]{16}_[A-Za-z0-9_-]{43}"), bearer);
    String id = bearer.substring(3, 19);

    CliRun list = CliRun.run("tokens", "list", "--data", data);
    assertEquals(ExitCode.OK, list.exitCode(), list.err());
    assertTrue(
        list.out().contains(id) && list.out().contains("auditor") && list.out().contains("bob"));
    assertFalse(list.out().contains(bearer.substring(20)), "list printed a secret");

    CliRun revoked = CliRun.run("tokens", "revoke", id, "--data", data);
    assertEquals(ExitCode.OK, revoked.exitCode(), revoked.err());
    CliRun after = CliRun.run("tokens", "list", "--data", data);
    assertFalse(
        after
            .out()
            .lines()
            .filter(l -> l.startsWith(id))
            .findFirst()
            .orElseThrow()
            .contains(" - "));

    CliRun unknown = CliRun.run("tokens", "revoke", "0123456789abcdef", "--data", data);
    assertEquals(ExitCode.BAD_INPUT, unknown.exitCode());
    CliRun badRole = CliRun.run("tokens", "create", "--role", "root", "--data", data);
    assertEquals(ExitCode.BAD_INPUT, badRole.exitCode());
    assertEquals(1, badRole.err().strip().lines().count(), badRole.err());
  }

  /**
   * {@code telltale serve} with no configuration creates a key set with a watermark and a signing
   * key; its published JWKS verifies what {@code telltale sign} signs with that key set, and the
   * service's {@code /v1/provenance/verify} answers exactly what {@code telltale verify --json}
   * prints for the same input.
   */
  @Test
  void serveWithNoConfigurationCreatesKeysAndAnswers() throws Exception {
    Path data = dir.resolve("fresh");
    CliRun created =
        CliRun.run("tokens", "create", "--role", "investigator", "--data", data.toString());
    assertEquals(ExitCode.OK, created.exitCode(), created.err());
    String bearer = created.out().strip();
    StringWriter out = new StringWriter();
    CommandLine cl = Telltale.newCommandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(new StringWriter(), true));
    AtomicInteger exit = new AtomicInteger(-1);
    Thread server =
        new Thread(() -> exit.set(cl.execute("serve", "--port", "0", "--data", data.toString())));
    server.start();
    Matcher m = null;
    for (int i = 0; i < 600 && (m == null || !m.find()); i++) {
      Thread.sleep(100);
      m = Pattern.compile("serving on http://127\\.0\\.0\\.1:(\\d+)/").matcher(out.toString());
    }
    assertTrue(m != null && m.find(0), "no 'serving on' line: " + out);
    int port = Integer.parseInt(m.group(1));
    try {
      HttpResponse<String> health =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals(200, health.statusCode(), health.body());
      Path keys = data.resolve("keys.json");
      assertTrue(Files.exists(keys), "no key set created");
      assertEquals(
          Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
          Files.getPosixFilePermissions(keys));
      checkProvenanceAgainstTheCli(port, bearer, keys);
      checkRadioactivityAgainstTheCli(port, bearer, keys);
    } finally {
      server.interrupt();
      server.join(120_000);
    }
    assertEquals(ExitCode.OK, exit.get());
  }

  /**
   * {@code /v1/radioactivity} answers exactly what {@code telltale radioactivity --json} prints for
   * the same exchanges as JSONL, for each prompt filter.
   */
  private void checkRadioactivityAgainstTheCli(int port, String bearer, Path keys)
      throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    String[][] exchanges = {
      {"What did the committee do?", "The committee adopted the report after a long debate."},
      {"And the Council?", "The Council has not yet replied to the committee's letter."},
      {"Any other business?", "Madam President, on a point of order concerning the minutes."}
    };
    StringBuilder jsonl = new StringBuilder();
    var answers = mapper.createArrayNode();
    for (String[] e : exchanges) {
      ObjectNode line = mapper.createObjectNode().put("prompt", e[0]).put("answer", e[1]);
      jsonl.append(line).append('\n');
      answers.add(line);
    }
    Path input = Files.writeString(dir.resolve("answers.jsonl"), jsonl.toString());
    for (String filter : new String[] {"own", "all", "none"}) {
      CliRun cli =
          CliRun.run(
              "radioactivity",
              "--keys",
              keys.toString(),
              "--json",
              "--prompt-filter",
              filter,
              input.toString());
      assertEquals(ExitCode.NOT_DETECTED, cli.exitCode(), cli.err());
      ObjectNode body = mapper.createObjectNode();
      body.set("answers", answers);
      body.put("prompt_filter", filter);
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + port + "/v1/radioactivity"))
                      .header("Authorization", "Bearer " + bearer)
                      .header("Content-Type", "application/json")
                      .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
      assertEquals(mapper.readTree(cli.out()), mapper.readTree(r.body()), filter);
    }
  }

  private void checkProvenanceAgainstTheCli(int port, String bearer, Path keys) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> jwks =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/.well-known/telltale-keys"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, jwks.statusCode(), jwks.body());
    PublicKeySet published = PublicKeySet.parse(jwks.body().getBytes(StandardCharsets.UTF_8));
    assertEquals(PublicKeySet.from(KeysCommand.load(keys)), published);
    assertEquals(1, published.keys().size(), "the first-start key set has one signing key");
    Path jwksFile = Files.writeString(dir.resolve("served.jwks.json"), jwks.body());

    Path text = Files.writeString(dir.resolve("text.txt"), "The committee adopted the report.\n");
    CliRun signed = CliRun.run("sign", "--keys", keys.toString(), "--embed", text.toString());
    assertEquals(ExitCode.OK, signed.exitCode(), signed.err());
    CliRun token = CliRun.run("sign", "--keys", keys.toString(), text.toString());
    assertEquals(ExitCode.OK, token.exitCode(), token.err());
    String edited = signed.out().replace("adopted", "rejected");
    String[][] cases = {
      {signed.out(), null, "VALID"},
      {edited, null, "DIGEST_MISMATCH"},
      {Files.readString(text), token.out().strip(), "VALID"},
      {Files.readString(text), "AAAA", "MALFORMED"}
    };
    ObjectMapper mapper = new ObjectMapper();
    for (String[] c : cases) {
      Path input = Files.writeString(dir.resolve("input.txt"), c[0], StandardCharsets.UTF_8);
      CliRun cli =
          c[1] == null
              ? CliRun.run("verify", "--public", jwksFile.toString(), "--json", input.toString())
              : CliRun.run(
                  "verify",
                  "--public",
                  jwksFile.toString(),
                  "--json",
                  "--token",
                  c[1],
                  input.toString());
      ObjectNode body = mapper.createObjectNode().put("text", c[0]);
      if (c[1] != null) {
        body.put("token", c[1]);
      }
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + port + "/v1/provenance/verify"))
                  .header("Authorization", "Bearer " + bearer)
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
      assertEquals(c[2], mapper.readTree(r.body()).get("status").asText(), r.body());
      assertEquals(mapper.readTree(cli.out()), mapper.readTree(r.body()), "service and CLI differ");
    }
  }

  @Test
  void serveRefusesABadDatabaseUrlOnOneLine() {
    CliRun r =
        CliRun.run("serve", "--port", "0", "--data", dir.toString(), "--db", "jdbc:mysql://x/y");
    assertEquals(ExitCode.BAD_INPUT, r.exitCode());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().contains("jdbc:postgresql"), r.err());
  }
}
