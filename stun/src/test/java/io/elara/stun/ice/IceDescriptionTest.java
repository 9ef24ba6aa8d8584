package io.elara.stun.ice;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class IceDescriptionTest {
    private static final String PASSWORD = "0123456789abcdefABCDEF+/";

    @Test
    void shouldReadBackWhatItWritesWithEveryCandidateTypeAndBothFamilies() {
        IceDescription description = new IceDescription(
                "uF4g",
                PASSWORD,
                List.of(
                        new IceCandidate(
                                IceCandidate.Type.HOST, "1", 2130706431, new InetSocketAddress("10.1.0.2", 40000)),
                        new IceCandidate(
                                IceCandidate.Type.SERVER_REFLEXIVE,
                                "2",
                                1694498815,
                                new InetSocketAddress("203.0.113.11", 40000)),
                        new IceCandidate(
                                IceCandidate.Type.RELAYED, "3", 16777215, new InetSocketAddress("203.0.113.1", 50123)),
                        new IceCandidate(
                                IceCandidate.Type.HOST, "4", 2130706175, new InetSocketAddress("fd00::2", 40000))));

        String text = description.text();
        IceDescription.Parsed parsed = IceDescription.parse(text);

        assertThat(text)
                .isEqualTo(
                        "uF4g " + PASSWORD + " host,1,2130706431,10.1.0.2:40000 srflx,2,1694498815,203.0.113.11:40000"
                                + " relay,3,16777215,203.0.113.1:50123 host,4,2130706175,[fd00:0:0:0:0:0:0:2]:40000");
        assertThat(parsed.problem()).isNull();
        assertThat(parsed.description()).isEqualTo(description);
    }

    @Test
    void shouldRefuseMalformedDescriptionsWithAReasonAndWithoutLookingAnyNameUp() {
        String host = " host,1,2130706431,10.1.0.2:40000";
        assertThat(IceDescription.parse("").problem()).contains("username fragment, a password and candidates");
        assertThat(IceDescription.parse("uF4g " + PASSWORD).problem())
                .contains("username fragment, a password and candidates");
        assertThat(IceDescription.parse("u! " + PASSWORD + host).problem()).contains("username fragment is 4 to 32");
        assertThat(IceDescription.parse("uF4g short" + host).problem()).contains("password is 22 to 256");
        assertThat(IceDescription.parse("uF4g " + PASSWORD + " host,1,2130706431,example.org:40000")
                        .problem())
                .contains("IPv4 or a bracketed IPv6 literal");
        assertThat(IceDescription.parse("uF4g " + PASSWORD + " host,1,2130706431,300.1.0.2:40000")
                        .problem())
                .contains("octets 0 to 255");
        assertThat(IceDescription.parse("uF4g " + PASSWORD + " host,1,2130706431,10.1.0.2:70000")
                        .problem())
                .contains("port is 1 to 65535");
        assertThat(IceDescription.parse("uF4g " + PASSWORD + " host,1,2130706431,[::zz]:4")
                        .problem())
                .contains("IPv4 or a bracketed IPv6 literal");
        assertThat(IceDescription.parse("uF4g " + PASSWORD + " host,1,2130706431,[:::::::::]:4")
                        .problem())
                .contains("does not parse");
        assertThat(IceDescription.parse("uF4g " + PASSWORD + " tcp,1,2130706431,10.1.0.2:4")
                        .problem())
                .contains("host, srflx, prflx or relay");
        assertThat(IceDescription.parse("uF4g " + PASSWORD + " host,1,0,10.1.0.2:4")
                        .problem())
                .contains("priority is 1 to 2147483647");
        assertThat(IceDescription.parse("uF4g " + PASSWORD + " host,1,99999999999,10.1.0.2:4")
                        .problem())
                .contains("priority is 1 to 10 digits");
        assertThat(IceDescription.parse("uF4g " + PASSWORD + " host,,1,10.1.0.2:4")
                        .problem())
                .contains("foundation is 1 to 32");
        assertThat(IceDescription.parse("uF4g " + PASSWORD + " host,1,1").problem())
                .contains("TYPE,FOUNDATION,PRIORITY,ADDRESS:PORT");
        assertThat(IceDescription.parse("uF4g " + PASSWORD + host.repeat(IceDescription.CANDIDATES_MAX + 1))
                        .problem())
                .contains("more than 16 candidates");
        assertThat(IceDescription.parse("uF4g " + PASSWORD + host.repeat(IceDescription.CANDIDATES_MAX))
                        .accepted())
                .isTrue();
    }
}
