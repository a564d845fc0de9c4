package io.kalmstream.model.eval;

/** A row of an embedding matrix with its score against a query. */
public record ScoredIndex(int index, float score) {}
