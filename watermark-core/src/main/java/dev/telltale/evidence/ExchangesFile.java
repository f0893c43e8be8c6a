package dev.telltale.evidence;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.util.List;

/**
 * The JSONL file of prompts and answers that {@code telltale radioactivity} reads, written from
 * exchanges held in memory: one canonical JSON object {@code {"answer":…,"prompt":…}} per line,
 * each line ending in a newline. The verifier service names its radioactivity findings' subject
 * {@link #NAME} with the SHA-256 of these bytes, so the file a re-verifier writes from the request
 * is the recorded input and the recorded command reads it.
 */
public final class ExchangesFile {
  /** The subject and input name of a service-made radioactivity finding. */
  public static final String NAME = "answers.jsonl";

  private ExchangesFile() {}

  /** One prompt and the suspect model's answer to it. */
  public record Exchange(String prompt, String answer) {}

  /** The file's bytes (UTF-8). */
  public static byte[] bytes(List<Exchange> exchanges) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Exchange e : exchanges) {
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      o.put("prompt", e.prompt());
      o.put("answer", e.answer());
      out.writeBytes(CanonicalJson.bytes(o));
      out.write('\n');
    }
    return out.toByteArray();
  }
}
