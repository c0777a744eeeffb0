package io.sluice.loadtests.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PayloadFactoryTest {
    @Test
    void valuesHaveTheRecordSizeAndCarryTheirSendTime() {
        PayloadFactory factory = new PayloadFactory(1024, new Random(1));
        long sendMicros = 1_731_000_000_123_456L;

        byte[] value = factory.next(sendMicros);

        assertThat(value).hasSize(1024);
        assertThat(new String(value, 0, 20, StandardCharsets.US_ASCII)).isEqualTo("SLT1" + String.format("%016x", sendMicros));
        assertThat(PayloadFactory.decodeSendMicros(value)).isEqualTo(sendMicros);
        assertThat(PayloadFactory.decodeSendMicros(new String(value, StandardCharsets.US_ASCII))).isEqualTo(sendMicros);
    }

    @Test
    void fillerIsUpperCaseLettersSoValuesTravelAsText() {
        byte[] value = new PayloadFactory(500, new Random(2)).next(42);
        for (int i = PayloadFactory.HEADER_LENGTH; i < value.length; i++) {
            assertThat((char) value[i]).isBetween('A', 'Z');
        }
    }

    @Test
    void eachValueIsANewArraySoAProducerMayKeepIt() {
        PayloadFactory factory = new PayloadFactory(64, new Random(3));
        byte[] first = factory.next(1);
        byte[] second = factory.next(2);
        assertThat(first).isNotSameAs(second);
        assertThat(PayloadFactory.decodeSendMicros(first)).isEqualTo(1);
        assertThat(PayloadFactory.decodeSendMicros(second)).isEqualTo(2);
    }

    @Test
    void shortValuesCarryNoTimestamp() {
        PayloadFactory factory = new PayloadFactory(19, new Random(4));
        assertThat(factory.carriesTimestamp()).isFalse();
        byte[] value = factory.next(123);
        assertThat(value).hasSize(19);
        assertThat(PayloadFactory.decodeSendMicros(value)).isEqualTo(PayloadFactory.NO_TIMESTAMP);
    }

    @Test
    void foreignValuesDecodeToNoTimestamp() {
        assertThat(PayloadFactory.decodeSendMicros((byte[]) null)).isEqualTo(PayloadFactory.NO_TIMESTAMP);
        assertThat(PayloadFactory.decodeSendMicros((CharSequence) null)).isEqualTo(PayloadFactory.NO_TIMESTAMP);
        assertThat(PayloadFactory.decodeSendMicros("hello world, this is not ours".getBytes(StandardCharsets.US_ASCII)))
            .isEqualTo(PayloadFactory.NO_TIMESTAMP);
        assertThat(PayloadFactory.decodeSendMicros("SLT1zzzzzzzzzzzzzzzzXXXX")).isEqualTo(PayloadFactory.NO_TIMESTAMP);
        assertThat(PayloadFactory.decodeSendMicros("SLT1000000000000002a\u00e9\u00e9")).isEqualTo(42);
    }
}
