package io.kalmstream.trainer.checkpoint;

/**
 * How far the trainer has consumed one input: for a Kafka topic partition the next offset to read,
 * for a dataset file the number of batches already trained on.
 */
public record SourcePosition(String source, int partition, long next) {}
