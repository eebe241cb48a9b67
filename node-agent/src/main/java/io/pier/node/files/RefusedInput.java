package io.pier.node.files;

import io.pier.common.http.ApiException;
import java.io.IOException;

/**
 * A stream read for a transfer stopped because of what the client sent (too much, nothing for too long, a bad
 * archive entry): an {@link IOException}, so that a half-written file is removed as for any failed read, carrying
 * the answer the client gets.
 */
public final class RefusedInput extends IOException {
  private final ApiException answer;

  public RefusedInput(ApiException answer) {
    super(answer.getMessage());
    this.answer = answer;
  }

  public ApiException answer() {
    return answer;
  }
}
