package dev.telltale.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.text.Tokenizer;
import dev.telltale.text.TokenizerIdentity;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code telltale tokenize}: the ids of a text, exactly as detection re-tokenizes it (without the
 * detector's text normalization), so an investigator can compare them with a deployment's logs.
 */
@Command(
    name = "tokenize",
    description = {
      "Print the token ids of a text under a tokenizer (special tokens in the text are ordinary"
          + " text).",
      "With --decode, read ids (whitespace or comma separated) and print their text."
    })
final class TokenizeCommand implements Callable<Integer> {
  @Option(
      names = "--tokenizer",
      required = true,
      paramLabel = "NAME|FILE",
      description = "cl100k_base, o200k_base, or the path of a Hugging Face tokenizer.json.")
  String tokenizer;

  @Option(names = "--json", description = "Print {tokenizer, tokenizer_sha256, ids} as JSON.")
  boolean json;

  @Option(names = "--decode", description = "Input is ids; print their text.")
  boolean decode;

  @Parameters(arity = "0..1", paramLabel = "FILE", description = "Text file, or - for stdin.")
  String input;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    Tokenizer tok = DetectCommand.tokenizer(tokenizer);
    String text = InputText.read(input, System.in);
    PrintWriter out = spec.commandLine().getOut();
    if (decode) {
      String decoded = tok.decode(parseIds(text, tok));
      if (json) {
        ObjectNode o = TokenizerIdentity.put(JsonNodeFactory.instance.objectNode(), tok);
        o.put("text", decoded);
        out.println(o);
      } else {
        out.print(decoded);
      }
    } else {
      int[] ids = tok.encode(text);
      if (json) {
        ObjectNode o = TokenizerIdentity.put(JsonNodeFactory.instance.objectNode(), tok);
        ArrayNode a = o.putArray("ids");
        for (int id : ids) {
          a.add(id);
        }
        out.println(o);
      } else {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ids.length; i++) {
          sb.append(i == 0 ? "" : " ").append(ids[i]);
        }
        out.println(sb);
      }
    }
    out.flush();
    return ExitCode.OK;
  }

  private static int[] parseIds(String text, Tokenizer tok) {
    String trimmed = text.strip();
    if (trimmed.isEmpty()) {
      return new int[0];
    }
    String[] parts = trimmed.replaceAll("[\\[\\]]", "").split("[\\s,]+");
    int[] ids = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      int id;
      try {
        id = Integer.parseInt(parts[i]);
      } catch (NumberFormatException e) {
        throw new BadInputException("'" + parts[i] + "' is not a token id");
      }
      if (id < 0 || id >= tok.vocabSize()) {
        throw new BadInputException(
            "token id "
                + id
                + " is outside the vocabulary of "
                + tok.name()
                + " (0.."
                + (tok.vocabSize() - 1)
                + ")");
      }
      ids[i] = id;
    }
    return ids;
  }
}
