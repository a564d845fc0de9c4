package io.kalmstream.checkpoints;

/** Thrown with a reason a person can act on; the checkpoint is refused. */
public final class RejectedCheckpoint extends Exception {
  private static final long serialVersionUID = 1L;

  public RejectedCheckpoint(String reason) {
    super(reason);
  }
}
