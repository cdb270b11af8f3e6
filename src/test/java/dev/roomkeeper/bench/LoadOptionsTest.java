package dev.roomkeeper.bench;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoadOptionsTest {

    private static final Map<String, String> NO_ENV = Map.of();

    private static LoadOptions parse(String... args) {
        return LoadOptions.parse(args, NO_ENV);
    }

    private static String refusal(String... args) {
        return assertThrows(IllegalArgumentException.class, () -> parse(args)).getMessage();
    }

    @Test
    void withoutTheNewOptionsTheHarnessLoadsRoomkeeperOnceInSeparatePhases() {
        LoadOptions options = parse("--start-server");
        assertEquals(List.of(Target.ROOMKEEPER), options.targets());
        assertEquals(Scenario.SEPARATE, options.scenario());
        assertEquals(1, options.rounds());
        assertFalse(options.compares());
        assertTrue(options.startsRoomkeeper());
    }

    @Test
    void bothTargetsRunRoomkeeperFirstAndEndWithTheTable() {
        LoadOptions options = parse("--start-server", "--target", "both", "--scenario", "combined", "--rounds", "3",
                "--connections", "1000");
        assertEquals(List.of(Target.ROOMKEEPER, Target.NODE), options.targets());
        assertEquals(Scenario.COMBINED, options.scenario());
        assertEquals(3, options.rounds());
        assertTrue(options.compares());
        assertEquals(1000, options.connections());
    }

    @Test
    void acceptsTheEqualsFormToo() {
        LoadOptions options = parse("--target=node", "--scenario=separate", "--rounds=2");
        assertEquals(List.of(Target.NODE), options.targets());
        assertEquals(Scenario.SEPARATE, options.scenario());
        assertFalse(options.startsRoomkeeper());
    }

    @Test
    void theNodeTargetNeedsNoSecretAndNoStartServer() {
        LoadOptions options = parse("--target", "node", "--connections", "200");
        assertEquals(List.of(Target.NODE), options.targets());
        assertTrue(options.compares());
    }

    @Test
    void severalRoundsOfRoomkeeperAloneAlsoEndWithTheTable() {
        assertTrue(parse("--start-server", "--rounds", "2").compares());
    }

    @Test
    void refusesUnknownTargetsAndScenarios() {
        assertTrue(refusal("--start-server", "--target", "nginx").contains("--target must be roomkeeper, node or both"));
        assertTrue(refusal("--start-server", "--target", "").contains("--target"));
        assertTrue(refusal("--start-server", "--scenario", "mixed").contains("--scenario must be separate or combined"));
    }

    @Test
    void refusesRoundsOutsideOneToTwenty() {
        assertTrue(refusal("--start-server", "--rounds", "0").contains("--rounds must be 1..20"));
        assertTrue(refusal("--start-server", "--rounds", "21").contains("--rounds must be 1..20"));
        assertThrows(NumberFormatException.class, () -> parse("--start-server", "--rounds", "two"));
    }

    @Test
    void bothTargetsNeedTheHarnessToStartRoomkeeper() {
        String message = refusal("--target", "both", "--secret", "s3cr3t-s3cr3t-s3cr3t-s3cr3t-s3cr3t");
        assertTrue(message.contains("--target both needs --start-server"), message);
        assertTrue(refusal("--start-server", "--target", "both", "--server-pid", "42").contains("do not apply"));
        assertTrue(refusal("--start-server", "--target", "both", "--url", "http://127.0.0.1:8080").contains("do not apply"));
    }

    @Test
    void roomkeepersOwnOptionsAreRefusedForTheNodeTarget() {
        for (String option : List.of("--url", "--secret", "--server-pid", "--server-jvm")) {
            String message = refusal("--target", "node", option, "1");
            assertTrue(message.contains(option + " is for Roomkeeper"), message);
        }
        assertTrue(refusal("--target", "node", "--profile").contains("--profile"));
    }

    @Test
    void theCombinedScenarioNeedsJoinsAndPublishes() {
        assertTrue(refusal("--start-server", "--scenario", "combined", "--join-rate", "0").contains("combined needs both"));
        assertTrue(refusal("--start-server", "--scenario", "combined", "--fanout-rate", "0").contains("combined needs both"));
    }

    @Test
    void theSeparateScenarioStillSkipsAPhaseAtRateZero() {
        LoadOptions options = parse("--start-server", "--join-rate", "0");
        assertEquals(0, options.joinRate());
        assertEquals(Scenario.SEPARATE, options.scenario());
    }

    @Test
    void aSecretFromTheEnvironmentDoesNotCountAsGivenForTheNodeTarget() {
        LoadOptions options = LoadOptions.parse(new String[] {"--target", "node"},
                Map.of("ROOMKEEPER_AUTH_HS256_SECRET", "from-the-environment-from-the-environment"));
        assertEquals(List.of(Target.NODE), options.targets());
    }

    @Test
    void aRunningRoomkeeperStillNeedsASecretAndALoopbackUrl() {
        assertTrue(refusal("--connections", "10").contains("needs --secret"));
        assertTrue(refusal("--secret", "x", "--url", "http://10.0.0.1:8080").contains("only loopback"));
    }
}
