package dev.telltale.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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

  @Test
  void serveWithNoConfigurationCreatesKeysAndAnswers() throws Exception {
    Path data = dir.resolve("fresh");
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
    } finally {
      server.interrupt();
      server.join(30_000);
    }
    assertEquals(ExitCode.OK, exit.get());
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
