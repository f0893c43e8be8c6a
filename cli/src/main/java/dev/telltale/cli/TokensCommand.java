package dev.telltale.cli;

import dev.telltale.service.Database;
import dev.telltale.service.Role;
import dev.telltale.service.ServiceConfig;
import dev.telltale.service.StorageException;
import dev.telltale.service.TokenStore;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code telltale tokens}: API tokens of the verifier service, in its database. */
@Command(
    name = "tokens",
    description = "Create, list and revoke the verifier service's API tokens.",
    subcommands = {
      TokensCommand.Create.class,
      TokensCommand.ListTokens.class,
      TokensCommand.Revoke.class
    })
final class TokensCommand {
  static <T> T withStore(ServiceOptions options, Function<TokenStore, T> work) {
    ServiceConfig config = options.resolve(Map.of());
    QuietLibraries.apply();
    try (Database db = Database.open(config)) {
      return work.apply(new TokenStore(db.dataSource()));
    } catch (StorageException e) {
      throw new BadInputException(e.getMessage());
    }
  }

  /** {@code tokens create --role R}: prints the new token once. */
  @Command(name = "create", description = "Create a token; it is printed once and not stored.")
  static final class Create implements Callable<Integer> {
    @Option(
        names = "--role",
        required = true,
        description = "investigator (detect), auditor (audit log) or admin (tokens).")
    String role;

    @Option(names = "--label", defaultValue = "", description = "A note on whose token it is.")
    String label;

    @Mixin ServiceOptions options;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      Role r =
          Role.parse(role)
              .orElseThrow(
                  () ->
                      new BadInputException(
                          "--role must be investigator, auditor or admin, got '" + role + "'"));
      if (label.length() > 200) {
        throw new BadInputException("--label is longer than 200 characters");
      }
      TokenStore.IssuedToken t = withStore(options, s -> s.create(r, label));
      spec.commandLine()
          .getErr()
          .println("created " + r.label() + " token " + t.token().id() + "; it is shown once:");
      PrintWriter out = spec.commandLine().getOut();
      out.println(t.bearer());
      out.flush();
      return ExitCode.OK;
    }
  }

  /** {@code tokens list}. */
  @Command(name = "list", description = "List tokens (ids and roles; never secrets).")
  static final class ListTokens implements Callable<Integer> {
    @Mixin ServiceOptions options;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      List<TokenStore.ApiToken> list = withStore(options, TokenStore::list);
      PrintWriter out = spec.commandLine().getOut();
      out.printf("%-16s  %-12s  %-24s  %-24s  %s%n", "ID", "ROLE", "CREATED", "REVOKED", "LABEL");
      for (TokenStore.ApiToken t : list) {
        out.printf(
            "%-16s  %-12s  %-24s  %-24s  %s%n",
            t.id(),
            t.role().label(),
            t.created(),
            t.revoked().map(Object::toString).orElse("-"),
            printable(t.label()));
      }
      out.flush();
      return ExitCode.OK;
    }
  }

  /**
   * A label as one row can show it: control characters (ANSI escapes, CR, LF, tabs), line and
   * paragraph separators, bidirectional and other format characters are written as Java-style
   * backslash-u escapes and a backslash is doubled, so a label cannot forge a row, move the cursor
   * or hide text.
   */
  static String printable(String label) {
    StringBuilder b = new StringBuilder(label.length());
    label
        .codePoints()
        .forEach(
            cp -> {
              if (cp == '\\') {
                b.append("\\\\");
              } else if (Character.isISOControl(cp)
                  || cp == 0x2028
                  || cp == 0x2029
                  || Character.getType(cp) == Character.FORMAT
                  || Character.getType(cp) == Character.SURROGATE) {
                b.append(String.format("\\u%04x", cp));
              } else {
                b.appendCodePoint(cp);
              }
            });
    return b.toString();
  }

  /** {@code tokens revoke ID}. */
  @Command(name = "revoke", description = "Revoke a token by id.")
  static final class Revoke implements Callable<Integer> {
    @Parameters(paramLabel = "ID", description = "The token id (as listed).")
    String id;

    @Mixin ServiceOptions options;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      Optional<TokenStore.ApiToken> t = withStore(options, s -> s.revoke(id));
      if (t.isEmpty()) {
        throw new BadInputException("no token with id '" + id + "'");
      }
      spec.commandLine().getOut().println("revoked " + id);
      spec.commandLine().getOut().flush();
      return ExitCode.OK;
    }
  }
}
