package dev.telltale.evidence;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The command a finding records ({@code predicate.command}) and the one place that both writes and
 * reads it: the CLI records what was typed ({@link #typed}), the verifier service builds the CLI
 * options that reproduce its request ({@link #builder}), and {@code evidence verify --rerun} turns
 * a recorded command into the arguments it runs ({@link #arguments}). Every recorded command is
 * {@code telltale SUBCOMMAND --json …} with a {@code --keys} option, so that substituting the
 * re-verifier's key set re-runs exactly the finding.
 */
public final class RerunCommand {
  /** The {@code --keys} value a service-made finding records: the re-verifier's key set file. */
  public static final String KEYS_PLACEHOLDER = "KEYS.json";

  /** Options never recorded nor re-run: they write files and do not change the result. */
  public static final Set<String> WRITES_FILES = Set.of("--evidence", "--out", "--work");

  private static final Map<EvidenceKind, String> SUBCOMMAND =
      Map.of(
          EvidenceKind.DETECTION, "detect",
          EvidenceKind.SCAN, "scan",
          EvidenceKind.RADIOACTIVITY, "radioactivity",
          EvidenceKind.ATTRIBUTION, "attribute");

  private RerunCommand() {}

  /** The {@code telltale} subcommand that makes findings of {@code kind}. */
  public static String subcommand(EvidenceKind kind) {
    return SUBCOMMAND.get(kind);
  }

  /**
   * The command as typed after {@code telltale SUBCOMMAND}: options that write files ({@link
   * #WRITES_FILES}, with their values) and {@code --verbose} are left out, and {@code --json} is
   * added so that it prints the recorded result.
   */
  public static List<String> typed(String subcommand, List<String> args) {
    List<String> out = new ArrayList<>();
    out.add("telltale");
    out.add(subcommand);
    boolean json = false;
    boolean positional = false;
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (!positional) {
        String name = optionName(a);
        if (WRITES_FILES.contains(name)) {
          if (!a.contains("=")) {
            i++;
          }
          continue;
        }
        if (a.equals("--verbose")) {
          continue;
        }
        json |= a.equals("--json");
        positional = a.equals("--");
      }
      out.add(a);
    }
    if (!json) {
      out.add(2, "--json");
    }
    return List.copyOf(out);
  }

  /** A command built from options, as the verifier service records its findings. */
  public static Builder builder(EvidenceKind kind) {
    return new Builder(kind);
  }

  /**
   * The arguments (after {@code telltale}) that re-run {@code recorded} with the key set in {@code
   * keysFile}: the subcommand must be the one of {@code kind}, it must name {@code --keys} (whose
   * value is replaced) and no option that writes files.
   *
   * @throws IllegalArgumentException naming what makes the command not re-runnable
   */
  public static List<String> arguments(EvidenceKind kind, List<String> recorded, String keysFile) {
    String sub = subcommand(kind);
    if (recorded.size() < 2
        || !recorded.get(0).equals("telltale")
        || !recorded.get(1).equals(sub)) {
      throw new IllegalArgumentException(
          "the recorded command is not 'telltale " + sub + " …'; refusing to run it");
    }
    List<String> out = new ArrayList<>(recorded.subList(1, recorded.size()));
    boolean keys = false;
    for (int i = 1; i < out.size(); i++) {
      String a = out.get(i);
      if (a.equals("--")) {
        break;
      }
      String name = optionName(a);
      if (WRITES_FILES.contains(name)) {
        throw new IllegalArgumentException(
            "the recorded command writes files (" + name + "); refusing");
      }
      if (name.equals("--keys")) {
        if (a.contains("=")) {
          out.set(i, "--keys=" + keysFile);
          keys = true;
        } else if (i + 1 < out.size()) {
          out.set(++i, keysFile);
          keys = true;
        }
      }
    }
    if (!keys) {
      throw new IllegalArgumentException("the recorded command has no --keys option");
    }
    return out;
  }

  private static String optionName(String a) {
    return a.startsWith("--") && a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
  }

  /**
   * Builds {@code telltale SUBCOMMAND --json --keys KEYS.json [--key-id ID] OPTIONS… -- INPUTS…}:
   * the inputs follow {@code --}, so a document named {@code -x} is read as a file and {@code -} is
   * standard input.
   */
  public static final class Builder {
    private final EvidenceKind kind;
    private Optional<String> keyId = Optional.empty();
    private final List<String> options = new ArrayList<>();
    private final List<String> inputs = new ArrayList<>();
    private boolean idsInput;

    private Builder(EvidenceKind kind) {
      this.kind = Objects.requireNonNull(kind, "kind");
    }

    /** {@code --key-id ID}: the finding tested this key alone. */
    public Builder keyId(Optional<String> id) {
      this.keyId = Objects.requireNonNull(id, "id");
      return this;
    }

    /** A flag such as {@code --window}, when {@code on}. */
    public Builder flag(String name, boolean on) {
      if (on) {
        options.add(checkName(name));
      }
      return this;
    }

    /** An option and its value. */
    public Builder option(String name, String value) {
      options.add(checkName(name));
      options.add(Objects.requireNonNull(value, "value"));
      return this;
    }

    /** An input file, in the order the command reads them. */
    public Builder input(String name) {
      inputs.add(Objects.requireNonNull(name, "name"));
      return this;
    }

    /**
     * Token ids read with {@code --ids NAME} (a JSON array of integers, as {@code telltale detect
     * --ids} reads it) instead of a text input.
     */
    public Builder idsInput(String name) {
      options.add("--ids");
      options.add(Objects.requireNonNull(name, "name"));
      idsInput = true;
      return this;
    }

    public List<String> build() {
      if (inputs.isEmpty() && !idsInput) {
        throw new IllegalStateException("a re-run command needs its inputs");
      }
      List<String> out = new ArrayList<>();
      out.add("telltale");
      out.add(subcommand(kind));
      out.add("--json");
      out.add("--keys");
      out.add(KEYS_PLACEHOLDER);
      keyId.ifPresent(
          id -> {
            out.add("--key-id");
            out.add(id);
          });
      out.addAll(options);
      if (!inputs.isEmpty()) {
        out.add("--");
        out.addAll(inputs);
      }
      return List.copyOf(out);
    }

    private static String checkName(String name) {
      if (!name.startsWith("--")
          || name.equals("--")
          || name.equals("--keys")
          || name.equals("--json")
          || WRITES_FILES.contains(name)) {
        throw new IllegalArgumentException("not an option the builder takes: " + name);
      }
      return name;
    }
  }
}
