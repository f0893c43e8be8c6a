package dev.telltale.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * Runs several {@code telltale} command lines in one process, from the process's working folder,
 * exactly as {@link Telltale#main} would run each: one JSON array of arguments per line of the file
 * named by the first argument; prints one JSON object per command ({@code exit}, {@code out},
 * {@code err}). Spares a JVM start per command in tests that must run from another folder.
 */
final class RerunDriver {
  private RerunDriver() {}

  public static void main(String[] args) throws Exception {
    ObjectMapper json = new ObjectMapper();
    for (String line : Files.readAllLines(Path.of(args[0]))) {
      List<String> argv = new ArrayList<>();
      json.readTree(line).forEach(a -> argv.add(a.asText()));
      CommandLine cl = Telltale.newCommandLine();
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      cl.setOut(new PrintWriter(out, true));
      cl.setErr(new PrintWriter(err, true));
      int code = cl.execute(argv.toArray(String[]::new));
      ObjectNode o = json.createObjectNode();
      o.put("exit", code).put("out", out.toString()).put("err", err.toString());
      System.out.println(o);
    }
    System.out.flush();
  }

  static JsonNode parse(String line) throws Exception {
    return new ObjectMapper().readTree(line);
  }
}
