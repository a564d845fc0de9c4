package io.kalmstream.schemas.registry;

import java.util.List;

/**
 * Answer of a compatibility check; {@code messages} explain a refusal when the registry gives
 * reasons.
 */
public record Compatibility(boolean compatible, List<String> messages) {
  public Compatibility {
    messages = List.copyOf(messages);
  }
}
