package io.kalmstream.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/** A test sink that keeps what it receives in this JVM (the MiniCluster's), under a name. */
final class CollectingSink<T> implements Sink<T> {
  private static final Map<String, List<Object>> COLLECTED = new ConcurrentHashMap<>();
  private final String name;

  private CollectingSink(String name) {
    this.name = name;
  }

  static <T> CollectingSink<T> named(String name) {
    COLLECTED.put(name, java.util.Collections.synchronizedList(new ArrayList<>()));
    return new CollectingSink<>(name);
  }

  @SuppressWarnings("unchecked")
  List<T> collected() {
    synchronized (COLLECTED.get(name)) {
      return new ArrayList<>((List<T>) (List<?>) COLLECTED.get(name));
    }
  }

  @Override
  public SinkWriter<T> createWriter(WriterInitContext context) {
    List<Object> target = COLLECTED.get(name);
    return new SinkWriter<>() {
      @Override
      public void write(T element, Context ctx) {
        target.add(element);
      }

      @Override
      public void flush(boolean endOfInput) {}

      @Override
      public void close() {}
    };
  }
}
