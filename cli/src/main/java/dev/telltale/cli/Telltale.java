package dev.telltale.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;

/** The {@code telltale} command. */
@Command(
    name = "telltale",
    mixinStandardHelpOptions = true,
    scope = CommandLine.ScopeType.INHERIT,
    versionProvider = Telltale.Version.class,
    description = "Keyed watermarks for model outputs, and the statistics that find them.",
    subcommands = {
      KeysCommand.class,
      GenerateCommand.class,
      DetectCommand.class,
      ScanCommand.class,
      RadioactivityCommand.class,
      DemoCommand.class,
      ServeCommand.class,
      TokensCommand.class,
      TokenizeCommand.class,
      SignCommand.class,
      VerifyCommand.class,
      CarrierCommand.class,
      AttributeCommand.class,
      ReportCommand.class,
      EvidenceCommand.class,
      LogCommand.class,
      RobustnessCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Telltale implements Runnable {
  @Option(
      names = "--verbose",
      scope = CommandLine.ScopeType.INHERIT,
      description = "Print stack traces of errors.")
  boolean verbose;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line and returns its exit code; used by tests too. */
  public static int execute(String... args) {
    return newCommandLine().execute(args);
  }

  /** A command line with telltale's exit-code and error mapping. */
  public static CommandLine newCommandLine() {
    CommandLine cl = new CommandLine(new Telltale());
    cl.setExecutionExceptionHandler(Telltale::handle);
    // picocli passes Errors (OutOfMemoryError, StackOverflowError) through; the JVM would then
    // print a trace and exit 1, which scripts read as "not detected". Map them like any failure.
    CommandLine.IExecutionStrategy run = new CommandLine.RunLast();
    cl.setExecutionStrategy(
        parseResult -> {
          try {
            return run.execute(parseResult);
          } catch (Error e) {
            throw new CommandLine.ExecutionException(
                parseResult.commandSpec().commandLine(), "internal error", e);
          }
        });
    cl.setParameterExceptionHandler(
        (ex, a) -> {
          PrintWriter err = ex.getCommandLine().getErr();
          err.println(
              "telltale: "
                  + ex.getMessage()
                  + " (see '"
                  + ex.getCommandLine().getCommandSpec().qualifiedName()
                  + " --help')");
          return ExitCode.BAD_INPUT;
        });
    return cl;
  }

  private static int handle(Exception ex, CommandLine cl, CommandLine.ParseResult parseResult) {
    PrintWriter err = cl.getErr();
    Throwable e =
        ex instanceof CommandLine.ExecutionException && ex.getCause() instanceof Error
            ? ex.getCause()
            : ex;
    boolean verbose = parseResult.originalArgs().contains("--verbose");
    if (e instanceof BadInputException) {
      err.println("telltale: " + e.getMessage());
      if (verbose) {
        e.printStackTrace(err);
      }
      return ExitCode.BAD_INPUT;
    }
    err.println("telltale: internal error: " + e);
    if (verbose) {
      e.printStackTrace(err);
    } else {
      err.println("(run again with --verbose for details)");
    }
    return ExitCode.INTERNAL;
  }

  /** The version the build wrote into the jar ("unknown" when run from classes without it). */
  static String softwareVersion() {
    Properties p = new Properties();
    try (InputStream in = Telltale.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      return "unknown";
    }
    return p.getProperty("version", "unknown");
  }

  /** Reads the version the build wrote into the jar. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
      Properties p = new Properties();
      try (InputStream in = Telltale.class.getResourceAsStream("version.properties")) {
        if (in != null) {
          p.load(in);
        }
      }
      return new String[] {"telltale " + p.getProperty("version", "unknown")};
    }
  }
}
