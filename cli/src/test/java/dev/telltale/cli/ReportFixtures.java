package dev.telltale.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.evidence.Envelope;
import dev.telltale.evidence.EnvelopeSigner;
import dev.telltale.evidence.EnvelopeWriter;
import dev.telltale.evidence.EvidenceKind;
import dev.telltale.evidence.EvidenceStatement;
import dev.telltale.evidence.KeyCommitment;
import dev.telltale.evidence.Subject;
import dev.telltale.key.KeySet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Real results from the real commands (keys, generate, detect, scan, radioactivity) for reports.
 */
final class ReportFixtures {
  static final ObjectMapper JSON = new ObjectMapper();

  final Path dir;
  final Path keys;

  ReportFixtures(Path dir) {
    this.dir = dir;
    this.keys = dir.resolve("keys.json");
    ok(CliRun.run("keys", "create", "--out", keys.toString(), "--id", "k1"));
  }

  static CliRun ok(CliRun r) {
    assertEquals(ExitCode.OK, r.exitCode(), r.err());
    return r;
  }

  Path write(String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  String generated(int tokens, int seed) {
    return ok(CliRun.run(
            "generate", "--keys", keys.toString(), "--tokens", "" + tokens, "--seed", "" + seed))
        .out()
        .strip();
  }

  /** The watermarked text and {@code detect --json [--explain]} of it. */
  Path detection(String name, boolean explain) throws Exception {
    Path text = write(name + ".txt", generated(200, 3));
    CliRun r =
        explain
            ? CliRun.run(
                "detect", "--keys", keys.toString(), "--json", "--explain", text.toString())
            : CliRun.run("detect", "--keys", keys.toString(), "--json", text.toString());
    return write(name + ".json", ok(r).out());
  }

  /** {@code scan --json} of a folder of 9 documents, 3 of them watermarked. */
  Path scan() throws Exception {
    Path corpus = Files.createDirectories(dir.resolve("corpus"));
    for (int i = 0; i < 9; i++) {
      String text =
          i % 3 == 0
              ? generated(120, 10 + i)
              : ok(CliRun.run("generate", "--plain", "--tokens", "120", "--seed", "" + i))
                  .out()
                  .strip();
      Files.writeString(corpus.resolve("doc-" + i + ".txt"), text);
    }
    CliRun r = CliRun.run("scan", "--keys", keys.toString(), "--json", corpus.toString());
    return write("scan.json", ok(r).out());
  }

  /** {@code radioactivity --json} of exchanges whose answers are our watermarked outputs. */
  Path radioactivity() throws Exception {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 4; i++) {
      b.append(
              JSON.writeValueAsString(
                  Map.of("prompt", "Question " + i + ":", "answer", generated(80, 30 + i))))
          .append('\n');
    }
    Path ex = write("exchanges.jsonl", b.toString());
    CliRun r = CliRun.run("radioactivity", "--keys", keys.toString(), "--json", ex.toString());
    return write("radioactivity.json", ok(r).out());
  }

  /** A real envelope: the detection's statement signed with the key set's signing key. */
  Path envelope(String name) throws Exception {
    Path text = dir.resolve(name + ".txt");
    Path result = detection(name, true);
    KeySet set = KeysCommand.load(keys);
    EvidenceStatement st =
        EvidenceStatement.builder(EvidenceKind.DETECTION)
            .subject(Subject.ofFile(text))
            .method("kgw")
            .command(
                List.of("telltale", "detect", "--keys", "keys.json", "--json", text.toString()))
            .key(KeyCommitment.of(set.primary()))
            .result((ObjectNode) ReportFixtures.JSON.readTree(Files.readString(result)))
            .softwareVersion("test")
            .build();
    Envelope e = EnvelopeSigner.of(set.primarySigningKey().orElseThrow()).sign(st);
    return Files.write(dir.resolve(name + ".envelope.json"), EnvelopeWriter.fileBytes(e));
  }

  Path publicKeys(Path keys, String name) throws Exception {
    return write(
        name, ReportFixtures.ok(CliRun.run("keys", "public", "--keys", keys.toString())).out());
  }
}
