package dev.telltale.evidence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recorded command: written by the CLI and the service alike, read back for a re-run. */
class RerunCommandTest {
  @Test
  void typedDropsFileWritingOptionsAndAddsJson() {
    assertEquals(
        List.of("telltale", "scan", "--json", "--keys", "k.json", "--fdr=0.1", "c.jsonl"),
        RerunCommand.typed(
            "scan",
            List.of(
                "--keys",
                "k.json",
                "--work",
                "w",
                "--out=o.jsonl",
                "--verbose",
                "--fdr=0.1",
                "--evidence",
                "e.json",
                "c.jsonl")));
    // After "--" everything is an input, even a name that looks like an option.
    assertEquals(
        List.of("telltale", "detect", "--json", "--keys", "k", "--", "--evidence"),
        RerunCommand.typed("detect", List.of("--json", "--keys", "k", "--", "--evidence")));
  }

  @Test
  void builtCommandsNameTheKeySetPlaceholderTheKeyAndTheInputs() {
    List<String> cmd =
        RerunCommand.builder(EvidenceKind.ATTRIBUTION)
            .keyId(Optional.of("acct"))
            .option("--top", "3")
            .flag("--window", false)
            .input("-doc")
            .input("-")
            .build();
    assertEquals(
        List.of(
            "telltale",
            "attribute",
            "--json",
            "--keys",
            "KEYS.json",
            "--key-id",
            "acct",
            "--top",
            "3",
            "--",
            "-doc",
            "-"),
        cmd);
    assertEquals(
        List.of(
            "attribute",
            "--json",
            "--keys",
            "/tmp/mine.json",
            "--key-id",
            "acct",
            "--top",
            "3",
            "--",
            "-doc",
            "-"),
        RerunCommand.arguments(EvidenceKind.ATTRIBUTION, cmd, "/tmp/mine.json"));
    assertThrows(
        IllegalArgumentException.class,
        () -> RerunCommand.builder(EvidenceKind.SCAN).option("--out", "x"));
    assertThrows(
        IllegalStateException.class, () -> RerunCommand.builder(EvidenceKind.SCAN).build());
  }

  @Test
  void argumentsRefuseAnotherSubcommandFileWritesAndNoKeys() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            RerunCommand.arguments(
                EvidenceKind.DETECTION, List.of("telltale", "scan", "--keys", "k", "c"), "K"));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            RerunCommand.arguments(
                EvidenceKind.DETECTION,
                List.of("telltale", "detect", "--keys", "k", "--out=x", "t"),
                "K"));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                RerunCommand.arguments(
                    EvidenceKind.DETECTION, List.of("telltale", "detect", "--json", "t"), "K"));
    assertTrue(e.getMessage().contains("--keys"), e.getMessage());
    // "--keys" after "--" is an input file, not the option.
    assertThrows(
        IllegalArgumentException.class,
        () ->
            RerunCommand.arguments(
                EvidenceKind.DETECTION,
                List.of("telltale", "detect", "--json", "--", "--keys", "k"),
                "K"));
    assertEquals(
        List.of("detect", "--keys=K", "t"),
        RerunCommand.arguments(
            EvidenceKind.DETECTION, List.of("telltale", "detect", "--keys=k", "t"), "K"));
  }

  @Test
  void exchangesFileIsCanonicalJsonlAndItsSubjectIsItsDigest(@TempDir Path dir) throws IOException {
    byte[] b =
        ExchangesFile.bytes(
            List.of(
                new ExchangesFile.Exchange("Why?", "Because\nof \"this\"."),
                new ExchangesFile.Exchange("é", "\u2028")));
    assertEquals(
        "{\"answer\":\"Because\\nof \\\"this\\\".\",\"prompt\":\"Why?\"}\n"
            + "{\"answer\":\"\u2028\",\"prompt\":\"é\"}\n",
        new String(b, StandardCharsets.UTF_8));
    Path f = Files.write(dir.resolve(ExchangesFile.NAME), b);
    assertEquals(Subject.of(ExchangesFile.NAME, b).sha256(), Subject.sha256Hex(f));
  }

  @Test
  void onlyRegularFilesAreDigested(@TempDir Path dir) {
    // A device never ends: refused at once rather than digested forever.
    if (Files.exists(Path.of("/dev/zero"))) {
      IOException e =
          assertThrows(IOException.class, () -> Subject.sha256Hex(Path.of("/dev/zero")));
      assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
    }
    assertThrows(IOException.class, () -> Subject.sha256Hex(dir));
    assertThrows(
        java.nio.file.NoSuchFileException.class, () -> Subject.sha256Hex(dir.resolve("none")));
  }
}
