package dev.telltale.cli;

import dev.telltale.scheme.GreenListParameters;
import dev.telltale.scheme.GumbelParameters;
import dev.telltale.scheme.PayloadParameters;
import dev.telltale.scheme.WatermarkParameters;
import picocli.CommandLine.Option;

/** Scheme and parameter options shared by {@code keys create} and {@code keys rotate}. */
final class KeyParameterOptions {
  @Option(
      names = "--scheme",
      defaultValue = "kgw",
      description = "kgw (green list, default) or gumbel (distortion-free).")
  String scheme;

  @Option(names = "--gamma", description = "Green share (kgw), default 0.25.")
  Double gamma;

  @Option(names = "--delta", description = "Green logit bias (kgw), default 2.0.")
  Double delta;

  @Option(names = "--context", description = "Context width h, 1..8, default 2.")
  Integer context;

  @Option(names = "--self-hash", description = "Hash the candidate token into the seed (kgw).")
  boolean selfHash;

  @Option(
      names = "--payload-bits",
      description = "Add an account payload of this many bits, 1..32 (kgw; e.g. 24).")
  Integer payloadBits;

  @Option(
      names = "--robust-context",
      description =
          "Contexts skip tokens with no letter or digit (spaces, punctuation, emoji): inserting or"
              + " deleting them changes no context (defeats the emoji attack). Recorded in the key;"
              + " detection, scans and generation follow it.")
  boolean robustContext;

  WatermarkParameters toParameters() {
    try {
      switch (scheme) {
        case "kgw" -> {
          GreenListParameters.Builder b =
              GreenListParameters.builder().selfHash(selfHash).robustContext(robustContext);
          if (gamma != null) {
            b.gamma(gamma);
          }
          if (delta != null) {
            b.delta(delta);
          }
          if (context != null) {
            b.contextWidth(context);
          }
          if (payloadBits != null) {
            b.payload(PayloadParameters.ofBits(payloadBits));
          }
          return b.build();
        }
        case "gumbel" -> {
          if (payloadBits != null) {
            throw new BadInputException("--payload-bits applies to --scheme kgw only");
          }
          if (gamma != null || delta != null || selfHash) {
            throw new BadInputException(
                "--gamma, --delta and --self-hash apply to --scheme kgw only");
          }
          GumbelParameters.Builder b = GumbelParameters.builder().robustContext(robustContext);
          if (context != null) {
            b.contextWidth(context);
          }
          return b.build();
        }
        default ->
            throw new BadInputException("unknown scheme '" + scheme + "'; use kgw or gumbel");
      }
    } catch (IllegalArgumentException e) {
      throw new BadInputException(e.getMessage());
    }
  }
}
