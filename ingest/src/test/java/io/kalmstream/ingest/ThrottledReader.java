package io.kalmstream.ingest;

import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Slows the job's reading down so a test can stop it while input is still flowing. */
final class ThrottledReader implements KafkaRecordDeserializationSchema<KgEvent> {
  private final KafkaRecordDeserializationSchema<KgEvent> reader;
  private final long pauseMillis;

  ThrottledReader(KafkaRecordDeserializationSchema<KgEvent> reader, long pauseMillis) {
    this.reader = reader;
    this.pauseMillis = pauseMillis;
  }

  @Override
  public void open(DeserializationSchema.InitializationContext context) throws Exception {
    reader.open(context);
  }

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<KgEvent> out)
      throws java.io.IOException {
    try {
      Thread.sleep(pauseMillis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while throttled");
    }
    reader.deserialize(record, out);
  }

  @Override
  public TypeInformation<KgEvent> getProducedType() {
    return reader.getProducedType();
  }
}
