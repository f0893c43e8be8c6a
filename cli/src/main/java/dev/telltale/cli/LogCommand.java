package dev.telltale.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.evidence.CanonicalJson;
import dev.telltale.evidence.EnvelopeWriter;
import dev.telltale.evidence.EvidenceFormatException;
import dev.telltale.evidence.EvidenceVerification;
import dev.telltale.evidence.log.ConsistencyProof;
import dev.telltale.evidence.log.LogProof;
import dev.telltale.evidence.log.LogVerifier;
import dev.telltale.evidence.log.MerkleHash;
import dev.telltale.evidence.log.MerkleLog;
import dev.telltale.evidence.log.SignedTreeHead;
import dev.telltale.provenance.PublicKeySet;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code telltale log head|prove|consistency}: the transparency log of findings. */
@Command(
    name = "log",
    description = "Inspect the transparency log: tree heads, inclusion and consistency proofs.",
    subcommands = {LogCommand.Head.class, LogCommand.Prove.class, LogCommand.Consistency.class})
final class LogCommand {
  static final String CONSISTENCY_FORMAT = "telltale-consistency-proof";

  private LogCommand() {}

  static void printHead(PrintWriter out, SignedTreeHead h) {
    out.printf("tree size  %d%n", h.treeSize());
    out.printf("root       %s%n", HexFormat.of().formatHex(h.rootHash()));
    out.printf("time       %s%n", h.timestamp());
    out.printf("signed by  %s%n", h.keyId());
  }

  private static SignedTreeHead latest(MerkleLog l, Path dir) throws IOException {
    return l.store()
        .latestTreeHead()
        .orElseThrow(() -> new BadInputException("the log '" + dir + "' has no signed tree head"));
  }

  private static void emit(PrintWriter out, Path file, JsonNode n, String what) {
    String s = CanonicalJson.string(n) + "\n";
    if (file == null) {
      out.print(s);
    } else {
      EvidenceFiles.write(file, s.getBytes(StandardCharsets.UTF_8), what);
    }
    out.flush();
  }

  /** {@code telltale log head}. */
  @Command(
      name = "head",
      description = {"Print the log's latest signed tree head.", "Exit 0, or 2 on bad input."})
  static final class Head implements Callable<Integer> {
    @Option(names = "--log", required = true, paramLabel = "DIR", description = "Log folder.")
    Path log;

    @Option(names = "--json", description = "Print the tree head as JSON.")
    boolean json;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      PrintWriter out = spec.commandLine().getOut();
      try (MerkleLog l = EvidenceFiles.openLog(log, false)) {
        SignedTreeHead h = latest(l, log);
        if (json) {
          emit(out, null, h.toJson(), "tree head");
        } else {
          out.printf("entries    %d%n", l.size());
          printHead(out, h);
          out.flush();
        }
      }
      return ExitCode.OK;
    }
  }

  /** {@code telltale log prove}. */
  @Command(
      name = "prove",
      description = {
        "Write the inclusion proof of one entry under the latest signed tree head: a file that",
        "'telltale evidence verify ENVELOPE --proof FILE' checks offline.",
        "Exit 0, 1 when the envelope is not in the log, 2 on bad input."
      })
  static final class Prove implements Callable<Integer> {
    @Option(names = "--log", required = true, paramLabel = "DIR", description = "Log folder.")
    Path log;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    static final class Target {
      @Option(names = "--index", description = "The entry's index.")
      Long index;

      @Option(names = "--envelope", paramLabel = "FILE", description = "The envelope file.")
      Path envelope;
    }

    @Option(
        names = "--out",
        paramLabel = "FILE",
        description = "Write the proof here (default: stdout).")
    Path out;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      PrintWriter o = spec.commandLine().getOut();
      try (MerkleLog l = EvidenceFiles.openLog(log, false)) {
        SignedTreeHead head = latest(l, log);
        long index;
        if (target.index != null) {
          index = target.index;
          if (index < 0 || index >= head.treeSize()) {
            throw new BadInputException(
                "--index "
                    + index
                    + " is not under the latest tree head (size "
                    + head.treeSize()
                    + ")");
          }
        } else {
          byte[] entry =
              EnvelopeWriter.canonicalBytes(EvidenceCommand.parseEnvelope(target.envelope));
          OptionalLong found = l.find(MerkleHash.leaf(entry));
          if (found.isEmpty() || found.getAsLong() >= head.treeSize()) {
            spec.commandLine()
                .getErr()
                .println(
                    "telltale: NOT_IN_LOG: the envelope is not in the log under its latest tree head");
            return ExitCode.NOT_DETECTED;
          }
          index = found.getAsLong();
        }
        LogProof p =
            new LogProof(l.leafHash(index), l.inclusionProof(index, head.treeSize()), head);
        emit(o, out, p.toJson(), "proof file");
        if (out != null) {
          o.printf("entry %d of %d: proof written to %s%n", index, head.treeSize(), out);
          o.flush();
        }
      }
      return ExitCode.OK;
    }
  }

  /** {@code telltale log consistency}. */
  @Command(
      name = "consistency",
      description = {
        "Prove that the log's tree head of size --to (default: the latest) extends the tree head",
        "of size --from, both signed: writes a consistency proof file. With --check FILE",
        "--public KEYS.json, verify such a file offline instead.",
        "Exit 0 when consistent, 1 with the reason code when not, 2 on bad input."
      })
  static final class Consistency implements Callable<Integer> {
    @Option(names = "--log", paramLabel = "DIR", description = "Log folder (to prove).")
    Path log;

    @Option(names = "--from", description = "Size of the earlier tree head.")
    Long from;

    @Option(names = "--to", description = "Size of the later tree head (default: latest).")
    Long to;

    @Option(
        names = "--out",
        paramLabel = "FILE",
        description = "Write the proof here (default: stdout).")
    Path out;

    @Option(names = "--check", paramLabel = "FILE", description = "Verify this proof file.")
    Path check;

    @Option(
        names = "--public",
        paramLabel = "KEYS.json",
        description = "Public keys, with --check.")
    Path publicKeys;

    @Option(names = "--json", description = "With --check: print one JSON object.")
    boolean json;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      return check != null ? verify() : prove();
    }

    private int prove() throws IOException {
      if (log == null || from == null) {
        throw new BadInputException(
            "give --log DIR and --from SIZE (or --check FILE --public KEYS)");
      }
      try (MerkleLog l = EvidenceFiles.openLog(log, false)) {
        SignedTreeHead second =
            to == null
                ? latest(l, log)
                : l.store()
                    .treeHead(to)
                    .orElseThrow(() -> new BadInputException("no signed tree head of size " + to));
        SignedTreeHead first =
            l.store()
                .treeHead(from)
                .orElseThrow(() -> new BadInputException("no signed tree head of size " + from));
        if (first.treeSize() > second.treeSize()) {
          throw new BadInputException("--from must not be larger than --to");
        }
        ConsistencyProof p = l.consistencyProof(first.treeSize(), second.treeSize());
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("format", CONSISTENCY_FORMAT);
        n.put("version", 1);
        n.set("first", first.toJson());
        n.set("second", second.toJson());
        n.set("proof", p.toJson());
        emit(spec.commandLine().getOut(), out, n, "proof file");
      }
      return ExitCode.OK;
    }

    private int verify() {
      if (publicKeys == null) {
        throw new BadInputException("--check needs --public KEYS.json");
      }
      PublicKeySet pub = VerifyCommand.readPublicKeys(publicKeys);
      byte[] bytes = EvidenceFiles.read(check, "proof file");
      EvidenceVerification v = verifyFile(pub, bytes);
      EvidenceCommand.Verify.print(spec.commandLine().getOut(), json, v, null);
      return v.isValid() ? ExitCode.OK : ExitCode.NOT_DETECTED;
    }

    private static EvidenceVerification verifyFile(PublicKeySet pub, byte[] bytes) {
      try {
        JsonNode n = new com.fasterxml.jackson.databind.ObjectMapper().readTree(bytes);
        if (n == null
            || !n.isObject()
            || !CONSISTENCY_FORMAT.equals(n.path("format").asText())
            || n.path("version").asInt() != 1) {
          return EvidenceVerification.of(
              EvidenceVerification.Reason.MALFORMED, "not a " + CONSISTENCY_FORMAT + " file");
        }
        return LogVerifier.of(pub)
            .verifyConsistency(
                SignedTreeHead.fromJson(n.get("first")),
                SignedTreeHead.fromJson(n.get("second")),
                ConsistencyProof.fromJson(n.get("proof")));
      } catch (IOException | EvidenceFormatException e) {
        return EvidenceVerification.of(EvidenceVerification.Reason.MALFORMED, e.getMessage());
      }
    }
  }
}
