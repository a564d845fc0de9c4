package io.kalmstream.scorer;

import io.kalmstream.schemas.AnisotropyAlert;
import io.kalmstream.schemas.CheckpointPublished;
import io.kalmstream.schemas.DeadLetter;
import io.kalmstream.schemas.EntityDescription;
import io.kalmstream.schemas.LinkPredictionAnswer;
import io.kalmstream.schemas.LinkPredictionQuery;
import io.kalmstream.schemas.ModelQualityMetric;
import io.kalmstream.schemas.RelationDescription;
import io.kalmstream.schemas.Triple;
import io.kalmstream.schemas.registry.SchemaRegistryClient;
import io.kalmstream.schemas.serde.RegistryAvroSerde;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/**
 * The value serdes of the scorer's topics, all made by one Avro serde factory (registry-backed in
 * production).
 */
public record ScorerSerdes(
    Serde<EntityDescription> entity,
    Serde<RelationDescription> relation,
    Serde<Triple> triple,
    Serde<CheckpointPublished> checkpoint,
    Serde<LinkPredictionQuery> query,
    Serde<LinkPredictionAnswer> answer,
    Serde<ModelQualityMetric> metric,
    Serde<AnisotropyAlert> alert,
    Serde<DeadLetter> deadLetter) {

  /** Makes a value serde for one generated Avro class. */
  @FunctionalInterface
  public interface Factory {
    <T extends SpecificRecord> Serde<T> valueSerde(Class<T> type);
  }

  /** Confluent wire format through the schema registry, subjects {@code <topic>-value}. */
  public static ScorerSerdes registry(SchemaRegistryClient registry) {
    return from(
        new Factory() {
          @Override
          public <T extends SpecificRecord> Serde<T> valueSerde(Class<T> type) {
            return RegistryAvroSerde.of(type, registry);
          }
        });
  }

  public static ScorerSerdes from(Factory factory) {
    return new ScorerSerdes(
        factory.valueSerde(EntityDescription.class),
        factory.valueSerde(RelationDescription.class),
        factory.valueSerde(Triple.class),
        factory.valueSerde(CheckpointPublished.class),
        factory.valueSerde(LinkPredictionQuery.class),
        factory.valueSerde(LinkPredictionAnswer.class),
        factory.valueSerde(ModelQualityMetric.class),
        factory.valueSerde(AnisotropyAlert.class),
        factory.valueSerde(DeadLetter.class));
  }
}
