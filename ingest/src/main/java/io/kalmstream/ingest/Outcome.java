package io.kalmstream.ingest;

/** Every outcome the job counts; each is a Flink metric and an accumulator of the same name. */
public enum Outcome {
  UNDECODABLE("undecodable"),
  LATE_EVENTS("lateEvents"),
  TRIPLES_RECEIVED("triplesReceived"),
  TRIPLES_REJECTED("triplesRejected"),
  TRIPLES_DUPLICATE("triplesDuplicate"),
  TRIPLES_HELD_OUT("triplesHeldOut"),
  TRIPLES_TO_TRAINING("triplesToTraining"),
  TRIPLES_RETRACTED("triplesRetracted"),
  RETRACTIONS_OF_UNKNOWN("retractionsOfUnknown"),
  RETRACTIONS_OUT_OF_ORDER("retractionsOutOfOrder"),
  HELD_OUT_RETRACTED("heldOutRetracted"),
  TRIPLES_EXPIRED("triplesExpired"),
  TRIPLES_JOINED("triplesJoined"),
  DESCRIPTIONS_ACCEPTED("descriptionsAccepted"),
  DESCRIPTIONS_REJECTED("descriptionsRejected"),
  DESCRIPTIONS_DELETED("descriptionsDeleted"),
  PAIRS_RETRACTED_BEFORE_BATCH("pairsRetractedBeforeBatch"),
  LIVE_PAIRS_BATCHED("livePairsBatched"),
  REPLAYED_PAIRS("replayedPairs"),
  CONTRASTIVE_BATCHES("contrastiveBatches"),
  INSTRUCTION_BATCHES("instructionBatches");

  private final String metricName;

  Outcome(String metricName) {
    this.metricName = metricName;
  }

  public String metricName() {
    return metricName;
  }
}
