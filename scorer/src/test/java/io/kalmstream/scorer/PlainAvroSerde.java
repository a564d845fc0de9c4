package io.kalmstream.scorer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Confluent wire format with a fixed schema id and the reader's own schema, for TopologyTestDriver
 * tests that have no registry. The real-broker test uses the registry-backed serdes.
 */
final class PlainAvroSerde {
  private PlainAvroSerde() {}

  static final ScorerSerdes.Factory FACTORY = PlainAvroSerde::of;

  static <T extends SpecificRecord> Serde<T> of(Class<T> type) {
    SpecificDatumWriter<T> writer = new SpecificDatumWriter<>(type);
    SpecificDatumReader<T> reader = new SpecificDatumReader<>(type);
    Serializer<T> serializer =
        (topic, value) -> {
          if (value == null) {
            return null;
          }
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          out.write(0);
          out.writeBytes(new byte[] {0, 0, 0, 1});
          BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
          try {
            writer.write(value, encoder);
            encoder.flush();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          return out.toByteArray();
        };
    Deserializer<T> deserializer =
        (topic, bytes) -> {
          if (bytes == null) {
            return null;
          }
          ByteBuffer buffer = ByteBuffer.wrap(bytes);
          if (bytes.length < 5 || buffer.get() != 0) {
            throw new SerializationException("not in the Confluent wire format");
          }
          try {
            return reader.read(
                null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
          } catch (IOException | RuntimeException e) {
            throw new SerializationException(
                "cannot decode " + type.getSimpleName() + ": " + e.getMessage(), e);
          }
        };
    return Serdes.serdeFrom(serializer, deserializer);
  }
}
