package dev.telltale.provenance;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Options of {@link TokenVerifier}. The structural checks are always strict (EdDSA only, key id in
 * the protected header, no critical headers, known claims only, exact digest); the policy adds an
 * optional maximum token age.
 *
 * @param maxAge tokens issued longer ago than this are {@link Verification.Reason#EXPIRED}
 * @param clock the time the age is measured against
 */
public record VerificationPolicy(Optional<Duration> maxAge, Clock clock) {
  public VerificationPolicy {
    Objects.requireNonNull(maxAge, "maxAge");
    Objects.requireNonNull(clock, "clock");
    maxAge.ifPresent(
        a -> {
          if (a.isNegative() || a.isZero()) {
            throw new IllegalArgumentException("maximum age must be positive, got " + a);
          }
        });
  }

  /** The default: every strict check, no maximum age, the system clock. */
  public static VerificationPolicy strict() {
    return new VerificationPolicy(Optional.empty(), Clock.systemUTC());
  }

  public VerificationPolicy withMaxAge(Duration age) {
    return new VerificationPolicy(Optional.of(age), clock);
  }

  public VerificationPolicy withClock(Clock c) {
    return new VerificationPolicy(maxAge, c);
  }
}
