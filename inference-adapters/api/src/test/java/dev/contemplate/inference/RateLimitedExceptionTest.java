package dev.contemplate.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RateLimitedExceptionTest {

    @Test
    void isARetryableTransientFailureThatNamesTheEngine() {
        RateLimitedException e = new RateLimitedException("openai", "429 Too Many Requests", Duration.ofSeconds(3),
                null);
        assertThat(e).isInstanceOf(TransientInferenceException.class).isInstanceOf(InferenceException.class);
        assertThat(e.isRetryable()).isTrue();
        assertThat(e.engine()).isEqualTo("openai");
        assertThat(e).hasMessage("openai: 429 Too Many Requests");
        assertThat(e.retryAfter()).hasValue(Duration.ofSeconds(3));
    }

    @Test
    void theRetryAfterHintIsOptionalAndTheCauseIsKept() {
        IllegalStateException cause = new IllegalStateException("quota");
        assertThat(new RateLimitedException("e", "slow down").retryAfter()).isEmpty();
        RateLimitedException e = new RateLimitedException("e", "slow down", null, cause);
        assertThat(e.retryAfter()).isEmpty();
        assertThat(e).hasCause(cause);
        assertThat(new RateLimitedException("e", "now", Duration.ZERO, null).retryAfter()).hasValue(Duration.ZERO);
    }

    @Test
    void rejectsANegativeRetryAfter() {
        assertThatThrownBy(() -> new RateLimitedException("e", "m", Duration.ofMillis(-1), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("retryAfter must not be negative but was PT-0.001S");
    }

    @Test
    void survivesSerialisation() throws Exception {
        RateLimitedException e = new RateLimitedException("e", "m", Duration.ofMillis(1500), null);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(e);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            RateLimitedException back = (RateLimitedException) in.readObject();
            assertThat(back.retryAfter()).hasValue(Duration.ofMillis(1500));
            assertThat(back.engine()).isEqualTo("e");
        }
    }
}
