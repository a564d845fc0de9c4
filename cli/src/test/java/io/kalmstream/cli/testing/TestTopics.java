package io.kalmstream.cli.testing;

import io.kalmstream.schemas.kafka.TopicSpec;
import io.kalmstream.schemas.kafka.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;

/** Helpers for tests sharing one broker: topic sets of their own, and a port nobody listens on. */
public final class TestTopics {
  private TestTopics() {}

  /**
   * Every default topic renamed with {@code prefix}, so test classes on the shared broker do not
   * see each other.
   */
  public static Topics prefixed(String prefix) {
    Map<String, String> renames = new HashMap<>();
    for (TopicSpec spec : Topics.defaults().all()) {
      renames.put(spec.name(), prefix + spec.name());
    }
    return Topics.defaults().withOverrides(renames);
  }

  /** A loopback port that was free a moment ago and has nothing listening on it. */
  public static int closedPort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
