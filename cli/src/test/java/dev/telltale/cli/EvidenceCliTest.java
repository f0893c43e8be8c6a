package dev.telltale.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.evidence.CanonicalJson;
import dev.telltale.evidence.Envelope;
import dev.telltale.evidence.EnvelopeReader;
import dev.telltale.evidence.EnvelopeWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --evidence on the finding commands, and evidence append/verify and log head/prove/consistency.
 */
class EvidenceCliTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;
  Path keys;
  Path pub;
  Path text;

  @BeforeEach
  void setUp() throws Exception {
    keys = dir.resolve("keys.json");
    assertEquals(
        ExitCode.OK,
        CliRun.run("keys", "create", "--out", keys.toString(), "--id", "k1").exitCode());
    pub = dir.resolve("keys.public.json");
    CliRun q = CliRun.run("keys", "public", "--keys", keys.toString());
    assertEquals(ExitCode.OK, q.exitCode(), q.err());
    Files.writeString(pub, q.out());
    CliRun gen =
        CliRun.run("generate", "--keys", keys.toString(), "--tokens", "150", "--seed", "3");
    assertEquals(ExitCode.OK, gen.exitCode(), gen.err());
    text = dir.resolve("suspect.txt");
    Files.writeString(text, gen.out());
  }

  private Path detectWithEvidence(String name) {
    Path ev = dir.resolve(name);
    CliRun r =
        CliRun.run(
            "detect", "--keys", keys.toString(), "--evidence", ev.toString(), text.toString());
    assertEquals(ExitCode.OK, r.exitCode(), r.err() + r.out());
    assertTrue(Files.exists(ev));
    return ev;
  }

  private CliRun verify(String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "evidence";
    System.arraycopy(args, 0, all, 1, args.length);
    return CliRun.run(all);
  }

  private static String status(CliRun r) throws Exception {
    return JSON.readTree(r.out()).get("status").asText();
  }

  @Test
  void detectEvidenceIsASignedStatementOfTheJsonResult() throws Exception {
    Path ev = detectWithEvidence("detect.evidence.json");
    Envelope e = EnvelopeReader.parse(Files.readAllBytes(ev));
    JsonNode st = JSON.readTree(e.payload());
    assertEquals("https://in-toto.io/Statement/v1", st.get("_type").asText());
    assertEquals("https://telltale.dev/evidence/detection/v1", st.get("predicateType").asText());
    assertEquals(text.toString(), st.get("subject").get(0).get("name").asText());
    JsonNode p = st.get("predicate");
    assertEquals("telltale", p.get("command").get(0).asText());
    assertEquals("detect", p.get("command").get(1).asText());
    assertFalse(p.get("command").toString().contains("--evidence"), p.get("command").toString());
    assertEquals("k1", p.get("key").get("key_id").asText());
    assertEquals(64, p.get("key").get("commitment").asText().length());
    // The result is exactly what --json prints.
    CliRun j = CliRun.run("detect", "--keys", keys.toString(), "--json", text.toString());
    assertEquals(
        CanonicalJson.string(JSON.readTree(j.out())), CanonicalJson.string(p.get("result")));
    // No key material anywhere.
    String secret =
        JSON.readTree(Files.readAllBytes(keys)).get("watermark_keys").get(0).get("secret").asText();
    assertFalse(new String(e.payload(), StandardCharsets.UTF_8).contains(secret));

    CliRun ok =
        verify(
            "verify",
            ev.toString(),
            "--public",
            pub.toString(),
            "--subject",
            text.toString(),
            "--json");
    assertEquals(ExitCode.OK, ok.exitCode(), ok.err() + ok.out());
    assertEquals("VALID", status(ok));
    CliRun human = verify("verify", ev.toString(), "--public", pub.toString());
    assertTrue(human.out().startsWith("VALID: "), human.out());
  }

  @Test
  void tamperingIsDetectedWithAReasonCode() throws Exception {
    Path ev = detectWithEvidence("e.json");
    Envelope e = EnvelopeReader.parse(Files.readAllBytes(ev));
    // A changed input.
    Path edited = dir.resolve("edited.txt");
    Files.writeString(edited, Files.readString(text) + " ");
    CliRun r =
        verify(
            "verify",
            ev.toString(),
            "--public",
            pub.toString(),
            "--subject",
            edited.toString(),
            "--json");
    assertEquals(ExitCode.NOT_DETECTED, r.exitCode());
    assertEquals("DIGEST_MISMATCH", status(r));
    // A changed payload byte (a statistic), signature kept.
    String payload = new String(e.payload(), StandardCharsets.UTF_8);
    String forged = payload.replaceFirst("\"scored_tokens\":(\\d)", "\"scored_tokens\":9$1");
    assertFalse(forged.equals(payload));
    Path t = dir.resolve("tampered.json");
    Files.write(
        t,
        EnvelopeWriter.fileBytes(
            new Envelope(
                e.payloadType(), forged.getBytes(StandardCharsets.UTF_8), e.signatures())));
    r = verify("verify", t.toString(), "--public", pub.toString(), "--json");
    assertEquals("BAD_SIGNATURE", status(r));
    // Another key set's public keys.
    Path other = dir.resolve("other.json");
    CliRun.run("keys", "create", "--out", other.toString(), "--id", "k2");
    Path otherPub = dir.resolve("other.public.json");
    Files.writeString(otherPub, CliRun.run("keys", "public", "--keys", other.toString()).out());
    r = verify("verify", ev.toString(), "--public", otherPub.toString(), "--json");
    assertEquals("UNKNOWN_KEY", status(r));
    // A truncated file.
    Path cut = dir.resolve("cut.json");
    byte[] b = Files.readAllBytes(ev);
    Files.write(cut, java.util.Arrays.copyOf(b, b.length / 2));
    r = verify("verify", cut.toString(), "--public", pub.toString(), "--json");
    assertEquals(ExitCode.NOT_DETECTED, r.exitCode());
    assertEquals("MALFORMED", status(r));
    // Bad input: a missing file.
    assertEquals(
        ExitCode.BAD_INPUT,
        verify("verify", dir.resolve("nope").toString(), "--public", pub.toString()).exitCode());
  }

  @Test
  void logAppendProveAndVerifyOffline() throws Exception {
    Path log = dir.resolve("log");
    Path first = null;
    for (int i = 0; i < 3; i++) {
      Path ev = detectWithEvidence("e" + i + ".json");
      first = first == null ? ev : first;
      CliRun a =
          verify(
              "append",
              ev.toString(),
              "--log",
              log.toString(),
              "--keys",
              keys.toString(),
              "--json");
      assertEquals(ExitCode.OK, a.exitCode(), a.err() + a.out());
      JsonNode j = JSON.readTree(a.out());
      assertEquals(i, j.get("index").asLong());
      assertEquals(i + 1, j.get("tree_head").get("tree_size").asLong());
    }
    CliRun again =
        verify(
            "append",
            first.toString(),
            "--log",
            log.toString(),
            "--keys",
            keys.toString(),
            "--json");
    assertEquals(0, JSON.readTree(again.out()).get("index").asLong());
    assertFalse(JSON.readTree(again.out()).get("appended").asBoolean());

    CliRun head = CliRun.run("log", "head", "--log", log.toString(), "--json");
    assertEquals(ExitCode.OK, head.exitCode(), head.err());
    assertEquals(3, JSON.readTree(head.out()).get("tree_size").asLong());

    CliRun inLog =
        verify(
            "verify",
            first.toString(),
            "--public",
            pub.toString(),
            "--log",
            log.toString(),
            "--json");
    assertEquals(ExitCode.OK, inLog.exitCode(), inLog.out());
    assertEquals(0, JSON.readTree(inLog.out()).get("log_index").asLong());

    Path proof = dir.resolve("proof.json");
    CliRun prove =
        CliRun.run(
            "log",
            "prove",
            "--log",
            log.toString(),
            "--envelope",
            first.toString(),
            "--out",
            proof.toString());
    assertEquals(ExitCode.OK, prove.exitCode(), prove.err());
    CliRun offline =
        verify(
            "verify",
            first.toString(),
            "--public",
            pub.toString(),
            "--proof",
            proof.toString(),
            "--json");
    assertEquals(ExitCode.OK, offline.exitCode(), offline.out());

    // A tampered proof.
    ObjectNode p = (ObjectNode) JSON.readTree(Files.readAllBytes(proof));
    String h = p.get("inclusion").get("hashes").get(0).asText();
    ((com.fasterxml.jackson.databind.node.ArrayNode) p.get("inclusion").get("hashes"))
        .set(0, (h.charAt(0) == 'a' ? "b" : "a") + h.substring(1));
    Path bad = dir.resolve("proof.bad.json");
    Files.writeString(bad, p.toString());
    CliRun badRun =
        verify(
            "verify",
            first.toString(),
            "--public",
            pub.toString(),
            "--proof",
            bad.toString(),
            "--json");
    assertEquals(ExitCode.NOT_DETECTED, badRun.exitCode());
    assertEquals("BAD_PROOF", status(badRun));

    // An envelope that was never appended.
    Path outsider = detectWithEvidence("outsider.json");
    CliRun notIn =
        verify(
            "verify",
            outsider.toString(),
            "--public",
            pub.toString(),
            "--log",
            log.toString(),
            "--json");
    assertEquals("NOT_IN_LOG", status(notIn));
    assertEquals(
        "NOT_IN_LOG",
        status(
            verify(
                "verify",
                outsider.toString(),
                "--public",
                pub.toString(),
                "--proof",
                proof.toString(),
                "--json")));

    // Consistency between the heads of size 1 and 3.
    Path cons = dir.resolve("consistency.json");
    CliRun c =
        CliRun.run(
            "log", "consistency", "--log", log.toString(), "--from", "1", "--out", cons.toString());
    assertEquals(ExitCode.OK, c.exitCode(), c.err());
    CliRun check =
        CliRun.run(
            "log", "consistency", "--check", cons.toString(), "--public", pub.toString(), "--json");
    assertEquals(ExitCode.OK, check.exitCode(), check.out() + check.err());
    // A proof file whose later head's root was swapped for the earlier's: signature breaks.
    ObjectNode cj = (ObjectNode) JSON.readTree(Files.readAllBytes(cons));
    ((ObjectNode) cj.get("proof")).set("hashes", JSON.createArrayNode());
    Files.writeString(cons, cj.toString());
    CliRun badCheck =
        CliRun.run(
            "log", "consistency", "--check", cons.toString(), "--public", pub.toString(), "--json");
    assertEquals(ExitCode.NOT_DETECTED, badCheck.exitCode());
    assertEquals("INCONSISTENT", status(badCheck));

    // A flipped byte inside a committed log entry: the log refuses to open.
    Path entries = log.resolve("entries.log");
    byte[] all = Files.readAllBytes(entries);
    all[40] ^= 0x01;
    Files.write(entries, all);
    CliRun broken = CliRun.run("log", "head", "--log", log.toString());
    assertEquals(ExitCode.BAD_INPUT, broken.exitCode());
    assertTrue(broken.err().contains("offset"), broken.err());
    CliRun corrupted =
        verify(
            "verify",
            first.toString(),
            "--public",
            pub.toString(),
            "--log",
            log.toString(),
            "--json");
    assertEquals(ExitCode.NOT_DETECTED, corrupted.exitCode(), corrupted.err());
    assertEquals("LOG_CORRUPTED", status(corrupted));
  }

  @Test
  void rerunReproducesTheFindingAndCatchesChanges() throws Exception {
    Path ev = detectWithEvidence("rerun.json");
    CliRun r =
        verify(
            "verify",
            ev.toString(),
            "--public",
            pub.toString(),
            "--rerun",
            "--keys",
            keys.toString(),
            "--json");
    assertEquals(ExitCode.OK, r.exitCode(), r.out() + r.err());
    Path other = dir.resolve("other.json");
    CliRun.run("keys", "create", "--out", other.toString(), "--id", "k1");
    r =
        verify(
            "verify",
            ev.toString(),
            "--public",
            pub.toString(),
            "--rerun",
            "--keys",
            other.toString(),
            "--json");
    assertEquals("KEY_MISMATCH", status(r));
    Files.writeString(text, Files.readString(text).replace('e', 'a'));
    r =
        verify(
            "verify",
            ev.toString(),
            "--public",
            pub.toString(),
            "--rerun",
            "--keys",
            keys.toString(),
            "--json");
    assertEquals("DIGEST_MISMATCH", status(r));
    assertEquals(
        ExitCode.BAD_INPUT,
        verify("verify", ev.toString(), "--public", pub.toString(), "--rerun").exitCode());
  }

  @Test
  void scanRadioactivityAndAttributeWriteEvidenceThatReruns() throws Exception {
    Path corpus = Files.createDirectories(dir.resolve("corpus"));
    Files.copy(text, corpus.resolve("a.txt"));
    Files.writeString(
        corpus.resolve("b.txt"), "The committee met on Tuesday to discuss the budget.\n");
    Path scanEv = dir.resolve("scan.json");
    CliRun s =
        CliRun.run(
            "scan",
            "--keys",
            keys.toString(),
            "--threads",
            "1",
            "--evidence",
            scanEv.toString(),
            corpus.toString());
    assertEquals(ExitCode.OK, s.exitCode(), s.err());
    JsonNode st = JSON.readTree(EnvelopeReader.parse(Files.readAllBytes(scanEv)).payload());
    assertEquals(2, st.get("subject").size());
    assertEquals("https://telltale.dev/evidence/scan/v1", st.get("predicateType").asText());
    assertRerunValid(scanEv);

    Path answers = dir.resolve("answers.jsonl");
    Files.writeString(
        answers,
        "{\"prompt\":\"The Commission\",\"answer\":\"has proposed a new directive on the matter.\"}\n");
    Path radEv = dir.resolve("radioactivity.json");
    CliRun ra =
        CliRun.run(
            "radioactivity",
            "--keys",
            keys.toString(),
            "--evidence",
            radEv.toString(),
            answers.toString());
    assertEquals(ExitCode.NOT_DETECTED, ra.exitCode(), ra.err());
    assertEquals(
        "https://telltale.dev/evidence/radioactivity/v1",
        JSON.readTree(EnvelopeReader.parse(Files.readAllBytes(radEv)).payload())
            .get("predicateType")
            .asText());
    assertRerunValid(radEv);

    Path pk = dir.resolve("payload-keys.json");
    CliRun.run("keys", "create", "--out", pk.toString(), "--id", "acct", "--payload-bits", "8");
    CliRun gen =
        CliRun.run(
            "generate",
            "--keys",
            pk.toString(),
            "--tokens",
            "300",
            "--seed",
            "5",
            "--account",
            "77");
    Path marked = dir.resolve("marked.txt");
    Files.writeString(marked, gen.out());
    Path atEv = dir.resolve("attribution.json");
    CliRun at =
        CliRun.run(
            "attribute", "--keys", pk.toString(), "--evidence", atEv.toString(), marked.toString());
    assertTrue(at.exitCode() == ExitCode.OK || at.exitCode() == ExitCode.NOT_DETECTED, at.err());
    Path pkPub = dir.resolve("pk.public.json");
    Files.writeString(pkPub, CliRun.run("keys", "public", "--keys", pk.toString()).out());
    CliRun v =
        verify(
            "verify",
            atEv.toString(),
            "--public",
            pkPub.toString(),
            "--rerun",
            "--keys",
            pk.toString(),
            "--json");
    assertEquals(ExitCode.OK, v.exitCode(), v.out() + v.err());
  }

  private void assertRerunValid(Path ev) throws Exception {
    CliRun v =
        verify(
            "verify",
            ev.toString(),
            "--public",
            pub.toString(),
            "--rerun",
            "--keys",
            keys.toString(),
            "--json");
    assertEquals(ExitCode.OK, v.exitCode(), v.out() + v.err());
    assertEquals("VALID", status(v));
  }

  @Test
  void evidenceNeedsASigningKeyAndStdinIsRecordedAsDash() throws Exception {
    Path ev = dir.resolve("stdin.json");
    java.io.InputStream old = System.in;
    try {
      System.setIn(new java.io.ByteArrayInputStream(Files.readAllBytes(text)));
      CliRun r = CliRun.run("detect", "--keys", keys.toString(), "--evidence", ev.toString(), "-");
      assertEquals(ExitCode.OK, r.exitCode(), r.err());
    } finally {
      System.setIn(old);
    }
    JsonNode st = JSON.readTree(EnvelopeReader.parse(Files.readAllBytes(ev)).payload());
    assertEquals("-", st.get("subject").get(0).get("name").asText());
    CliRun v =
        verify(
            "verify",
            ev.toString(),
            "--public",
            pub.toString(),
            "--subject",
            text.toString(),
            "--json");
    assertEquals("VALID", status(v));
    assertTrue(
        Base64.getDecoder()
                .decode(JSON.readTree(Files.readAllBytes(ev)).get("payload").asText())
                .length
            > 0);
  }
}
