using CsCheck;
using Greenlets.Tests.Conformance;

namespace Greenlets.Tests;

/// <summary>
/// Property test: random switch programs (random trees, switches, throws, kills, returns, raises, reparenting, catches)
/// run on <see cref="Greenlet"/> must log exactly what the executable model <see cref="SwitchModel"/> logs.
/// CsCheck shrinks a failure to a minimal program. CI uses a fixed seed; set <c>GREENLETS_RANDOM=1</c> for a random
/// one, <c>CsCheck_Seed</c> to replay one, and <c>GREENLETS_MODEL_ITER</c> for more programs.
/// </summary>
[Trait("Category", "Stress")]
public sealed class SwitchModelTests
{
    private const string CiSeed = "4mzX1of0NUI1";

    private static Gen<ProgramAction> Action(int n) => Gen.Frequency(
        (10, Gen.Select(Gen.Int[0, n], Gen.Int[0, 99], Gen.Bool, (t, v, c) => new ProgramAction("switch", t, 0, v, c))),
        (3, Gen.Select(Gen.Int[0, n], Gen.Int[0, 99], Gen.Bool, (t, v, c) => new ProgramAction("throw", t, 0, v, c))),
        (2, Gen.Select(Gen.Int[0, n], Gen.Bool, (t, c) => new ProgramAction("kill", t, 0, 0, c))),
        (2, Gen.Select(Gen.Int[0, n], Gen.Int[0, n], (t, p) => new ProgramAction("reparent", t, p, 0, true))),
        (1, Gen.Int[0, 99].Select(v => new ProgramAction("raise", 0, 0, v, false))),
        (1, Gen.Int[0, 99].Select(v => new ProgramAction("return", 0, 0, v, false))));

    private static Gen<ProgramAction> Ending() => Gen.Frequency(
        (2, Gen.Int[0, 99].Select(v => new ProgramAction("return", 0, 0, v, false))),
        (1, Gen.Int[0, 99].Select(v => new ProgramAction("raise", 0, 0, v, false))));

    private static readonly Gen<SwitchProgram> Programs = Gen.Int[1, 6].SelectMany(n => Gen.Select(
        Gen.Int[0, 1000].Array[n].Select(a => a.Select((x, i) => x % (i + 1)).ToArray()),
        Action(n).Array[1, 8],
        Gen.Select(Action(n).Array[0, 7], Ending(), (body, end) => (ProgramAction[])[.. body, end]).Array[n],
        (parents, main, others) => new SwitchProgram(parents, [main, .. others])));

    [Fact]
    public void RandomPrograms_OnGreenlet_MatchTheModel() => OnThread.Run(() =>
    {
        string? seed = Environment.GetEnvironmentVariable("GREENLETS_RANDOM") == "1"
            ? Environment.GetEnvironmentVariable("CsCheck_Seed")
            : Environment.GetEnvironmentVariable("CsCheck_Seed") ?? CiSeed;
        long iter = long.TryParse(Environment.GetEnvironmentVariable("GREENLETS_MODEL_ITER"), out long i) ? i : 3000;
        Programs.Sample(
            program => Assert.Equal(SwitchModel.Run(program), ProgramRunner.Run(program)),
            seed: seed,
            iter: iter,
            threads: 1,
            print: program => program.ToString());
    });
}
