package dev.diskfleet.provisioning.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * When the startup warm-up stops running rounds after the compilers went idle: at the first round whose
 * compiling (what it set off included) stays under the quiet mark, after the most rounds it is given, and at
 * once where the JVM does not report compile time. The compilers here are a counter the rounds move.
 */
class CompilerSettlingTest {

    /** A compile-time total that rounds raise at once, and that keeps rising by a given amount per poll after. */
    private static final class Compilers {
        long total;
        long trailing;
        int trailingPolls;
        final List<Long> polls = new ArrayList<>();

        long read() {
            polls.add(total);
            return total;
        }

        void sleep(long millis) {
            if (trailingPolls > 0) {
                trailingPolls--;
                total += trailing;
            }
        }

        /** A round that costs {@code now} ms of compiling at once and {@code after} ms in each of {@code polls} polls. */
        void compile(long now, long after, int polls) {
            total += now;
            trailing = after;
            trailingPolls = polls;
        }
    }

    @Test
    void stopsAfterTheFirstRoundThatSetsOffLittleCompiling() throws InterruptedException {
        Compilers compilers = new Compilers();
        long[] costs = {400, 250, 10, 500};
        List<Integer> ran = new ArrayList<>();
        int rounds = new CompilerSettling(compilers::read, compilers::sleep, 6, 30).run(round -> {
            ran.add(round);
            compilers.compile(costs[round], 0, 0);
        });
        assertThat(rounds).isEqualTo(3);
        assertThat(ran).containsExactly(0, 1, 2);
    }

    @Test
    void countsTheCompilingARoundSetsOffAfterItEnded() throws InterruptedException {
        Compilers compilers = new Compilers();
        List<Integer> ran = new ArrayList<>();
        // Round 0 compiles little while it runs, then 3 × 100 ms while the warm-up waits: not quiet.
        int rounds = new CompilerSettling(compilers::read, compilers::sleep, 6, 30).run(round -> {
            ran.add(round);
            compilers.compile(round == 0 ? 5 : 0, round == 0 ? 100 : 0, round == 0 ? 3 : 0);
        });
        assertThat(rounds).isEqualTo(2);
        assertThat(compilers.total).isEqualTo(305);
    }

    @Test
    void runsNoMoreThanItsMostRounds() throws InterruptedException {
        Compilers compilers = new Compilers();
        int rounds = new CompilerSettling(compilers::read, compilers::sleep, 4, 30).run(round -> compilers.compile(300, 0, 0));
        assertThat(rounds).isEqualTo(4);
    }

    @Test
    void waitsAtMostItsPollsForCompilersThatNeverStop() throws InterruptedException {
        Compilers compilers = new Compilers();
        compilers.compile(0, 50, Integer.MAX_VALUE);
        int rounds = new CompilerSettling(compilers::read, compilers::sleep, 1, 30).run(round -> { });
        assertThat(rounds).isEqualTo(1);
        // one read before each wait, one after each poll: two waits of at most MAX_POLLS polls
        assertThat(compilers.polls).hasSize(2 * (1 + CompilerSettling.MAX_POLLS));
    }

    @Test
    void runsNoRoundWhereTheJvmDoesNotReportCompileTime() throws InterruptedException {
        List<Integer> ran = new ArrayList<>();
        assertThat(new CompilerSettling(null, millis -> { }, 6, 30).run(ran::add)).isZero();
        assertThat(ran).isEmpty();
    }
}
