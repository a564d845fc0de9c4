package io.kalmstream.ingest;

import java.util.stream.Stream;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;

/**
 * What a keyed function under an operator harness still holds: the keys with a value in one named
 * state.
 */
final class HarnessState {
  private HarnessState() {}

  static long keysWith(AbstractStreamOperatorTestHarness<?> harness, String state)
      throws Exception {
    KeyedStateBackend<Object> backend =
        ((AbstractStreamOperator<?>) harness.getOperator()).getKeyedStateBackend();
    try (Stream<Object> keys = backend.getKeys(state, VoidNamespace.INSTANCE)) {
      return keys.count();
    }
  }
}
