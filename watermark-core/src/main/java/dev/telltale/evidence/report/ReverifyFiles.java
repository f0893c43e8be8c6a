package dev.telltale.evidence.report;

import java.util.Objects;
import java.util.Optional;

/**
 * The files a report's re-verify command names when the reader has to fetch them first, as for a
 * finding served by the verifier service: the envelope, the signer's public key set and the
 * inclusion proof, and one sentence saying where each comes from.
 *
 * @param envelope the envelope's file name
 * @param publicKeys the public key set's file name
 * @param proof the inclusion proof's file name, when the finding is in a transparency log
 * @param fetch where the files come from, for people
 */
public record ReverifyFiles(
    String envelope, String publicKeys, Optional<String> proof, String fetch) {
  public ReverifyFiles {
    Objects.requireNonNull(envelope, "envelope");
    Objects.requireNonNull(publicKeys, "publicKeys");
    Objects.requireNonNull(proof, "proof");
    Objects.requireNonNull(fetch, "fetch");
  }
}
