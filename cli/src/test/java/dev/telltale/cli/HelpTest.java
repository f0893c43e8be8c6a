package dev.telltale.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every command, however deep, answers {@code --help} with its usage and exit 0, and its text
 * formats: picocli formats descriptions with {@code String.format}, and on a bare {@code %} it
 * warns on standard error and prints the raw text.
 */
class HelpTest {
  @Test
  void everyCommandHasHelp() {
    List<List<String>> paths = new ArrayList<>();
    collect(Telltale.newCommandLine(), new ArrayList<>(), paths);
    assertTrue(paths.size() > 10, "commands found: " + paths);
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    PrintStream saved = System.err;
    System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
    try {
      for (List<String> path : paths) {
        List<String> args = new ArrayList<>(path);
        args.add("--help");
        CliRun r = CliRun.run(args.toArray(String[]::new));
        assertEquals(ExitCode.OK, r.exitCode(), path + ": " + r.err());
        assertTrue(r.out().startsWith("Usage: telltale"), path + ": " + r.out());
        assertTrue(!r.out().contains("%n"), path + " prints an unformatted description");
      }
    } finally {
      System.setErr(saved);
    }
    String warnings = stderr.toString(StandardCharsets.UTF_8);
    assertTrue(!warnings.contains("picocli WARN"), warnings);
  }

  private static void collect(CommandLine cl, List<String> path, List<List<String>> out) {
    for (var e : cl.getSubcommands().entrySet()) {
      if (e.getKey().equals("help")) {
        continue;
      }
      List<String> sub = new ArrayList<>(path);
      sub.add(e.getKey());
      out.add(sub);
      collect(e.getValue(), sub, out);
    }
  }
}
