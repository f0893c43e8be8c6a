package dev.telltale.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code telltale tokens} works on the embedded database while {@code telltale serve} runs on it in
 * another process (H2's mixed mode): a token created then is accepted by the running service at
 * once, listed and revoked; the commands print no library INFO logging.
 */
class TokensWhileServingTest {
  @TempDir Path dir;

  private static int status(int port, String path, String bearer) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + bearer)
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .statusCode();
  }

  @Test
  void tokenCommandsShareTheRunningServicesDatabase() throws Exception {
    String data = dir.resolve("data").toString();
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.telltale.cli.Telltale",
                "serve",
                "--port",
                "0",
                "--data",
                data)
            .redirectErrorStream(true)
            .start();
    CompletableFuture<Integer> port = new CompletableFuture<>();
    StringBuffer log = new StringBuffer();
    Thread reader =
        new Thread(
            () -> {
              Pattern serving = Pattern.compile("serving on http://127\\.0\\.0\\.1:(\\d+)/");
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                  log.append(line).append('\n');
                  Matcher m = serving.matcher(line);
                  if (m.find()) {
                    port.complete(Integer.parseInt(m.group(1)));
                  }
                }
              } catch (Exception e) {
                port.completeExceptionally(e);
              }
              port.completeExceptionally(new IllegalStateException("serve exited: " + log));
            });
    reader.setDaemon(true);
    reader.start();
    try {
      int at = port.get(90, TimeUnit.SECONDS);
      CliRun created =
          CliRun.run("tokens", "create", "--role", "auditor", "--label", "ops", "--data", data);
      assertEquals(ExitCode.OK, created.exitCode(), created.err());
      assertFalse(created.err().contains("INFO"), created.err());
      assertEquals(1, created.err().strip().lines().count(), created.err());
      String bearer = created.out().strip();
      assertEquals(200, status(at, "/v1/audit", bearer), log::toString);

      CliRun list = CliRun.run("tokens", "list", "--data", data);
      assertEquals(ExitCode.OK, list.exitCode(), list.err());
      assertEquals("", list.err());
      String id = list.out().lines().skip(1).findFirst().orElseThrow().split(" ")[0];
      assertTrue(bearer.contains(id), list.out());

      CliRun revoked = CliRun.run("tokens", "revoke", id, "--data", data);
      assertEquals(ExitCode.OK, revoked.exitCode(), revoked.err());
      String row =
          CliRun.run("tokens", "list", "--data", data)
              .out()
              .lines()
              .skip(1)
              .findFirst()
              .orElseThrow();
      assertFalse(row.split("\\s+")[3].equals("-"), row);
    } finally {
      p.destroy();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }
}
