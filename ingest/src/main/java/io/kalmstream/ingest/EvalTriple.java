package io.kalmstream.ingest;

import io.kalmstream.schemas.Triple;

/**
 * A held-out triple for kg.eval.triples; a null triple is the tombstone that retracts it there too.
 */
public class EvalTriple implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  public String tripleId;
  public Triple triple;

  public EvalTriple() {}

  public EvalTriple(String tripleId, Triple triple) {
    this.tripleId = tripleId;
    this.triple = triple;
  }
}
