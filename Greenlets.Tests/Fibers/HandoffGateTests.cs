using System.Runtime.InteropServices;
using Greenlets.Internal;

namespace Greenlets.Tests;

/// <summary>The two handoff mechanisms (futex, portable) directly, and the switch that forces the portable one.</summary>
/// <remarks>CI runs the whole suite a second time with <c>GREENLETS_HANDOFF=portable</c>; these tests check that the
/// switch works and drive both mechanisms in every run.</remarks>
public sealed class HandoffGateTests
{
    public static TheoryData<string> Mechanisms => [FutexHandoffGate.Name, PortableHandoffGate.Name];

    [Fact]
    public void Mechanism_ThisProcess_FollowsTheEnvironment()
    {
        bool forced = string.Equals(Environment.GetEnvironmentVariable(Futex.SwitchVariable), Futex.PortableValue, StringComparison.OrdinalIgnoreCase);
        bool futexPlatform = OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64;
        string expected = futexPlatform && !forced ? FutexHandoffGate.Name : PortableHandoffGate.Name;
        Assert.Equal(expected, HandoffGate.Mechanism);
        Assert.Equal(expected, HandoffGate.Create().GetType() == typeof(FutexHandoffGate) ? FutexHandoffGate.Name : PortableHandoffGate.Name);
    }

    [Fact]
    [Trait("Category", "Stress")]
    public void Mechanism_PortableForcedByEnvironment_IsPortableAndSwitches()
    {
        var environment = new Dictionary<string, string> { [Futex.SwitchVariable] = Futex.PortableValue };
        var (code, output, _) = ProcessExitTests.RunChild(environment, "handoff-mechanism");
        Assert.True(code == 0, $"exit code {code}: {output}");
        Assert.Contains("mechanism: portable, echoed: 499500, finished: 200", output, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Mechanisms))]
    public void Wait_SignalledFromAnotherThread_Returns(string mechanism)
    {
        if (Create(mechanism) is not { } gate)
        {
            return;
        }

        // Bounded work: a few hundred handoffs each way between two threads, each on its own gate.
        var back = Create(mechanism)!;
        const int rounds = 200;
        int answered = 0;
        var partner = new Thread(() =>
        {
            for (int i = 0; i < rounds && back.Wait((int)TestTimeouts.Unexpected.TotalMilliseconds); i++)
            {
                answered++;
                gate.Signal(back);
            }
        }) { IsBackground = true };
        partner.Start();
        for (int i = 0; i < rounds; i++)
        {
            back.Signal(gate);
            Assert.True(gate.Wait((int)TestTimeouts.Unexpected.TotalMilliseconds));
        }

        Assert.True(partner.Join(TestTimeouts.Unexpected));
        Assert.Equal(rounds, answered);
    }

    [Theory]
    [MemberData(nameof(Mechanisms))]
    public void Wait_NoSignal_TimesOutThenTakesTheNextSignal(string mechanism)
    {
        if (Create(mechanism) is not { } gate)
        {
            return;
        }

        Assert.False(gate.Wait(1));
        Assert.False(gate.Wait(0));
        var signaller = new Thread(() => gate.Signal()) { IsBackground = true };
        signaller.Start();
        Assert.True(signaller.Join(TestTimeouts.Unexpected));

        // Signalled before the wait: taken at once, even with no time to wait, and only once.
        Assert.True(gate.Wait(0));
        Assert.False(gate.Wait(0));
    }

#if DEBUG
    [Fact]
    [Trait("Category", "Stress")]
    public void Signal_TwiceBeforeTheOwnerWaits_FailsTheDebugAssertion()
    {
        // Debug builds assert the baton rule (one baton per gate); a failed assertion ends the process.
        var (code, output, _) = ProcessExitTests.RunChild("handoff-double-signal");
        Assert.True(code != 0, $"exit code {code}: {output}");
        Assert.Contains("two threads hold one baton", output, StringComparison.Ordinal);
        Assert.DoesNotContain("not asserted", output, StringComparison.Ordinal);
    }
#endif

    /// <summary>The child of <c>Signal_TwiceBeforeTheOwnerWaits_FailsTheDebugAssertion</c>: a second signal of a gate
    /// whose owner has not taken the first.</summary>
    internal static int RunDoubleSignalChild()
    {
        HandoffGate gate = HandoffGate.Create();
        var signaller = new Thread(() =>
        {
            gate.Signal();
            gate.Signal();
        });
        signaller.Start();
        signaller.Join();
        Console.WriteLine("not asserted");
        return 0;
    }

    /// <summary>The child of <see cref="Mechanism_PortableForcedByEnvironment_IsPortableAndSwitches"/>: reports the
    /// mechanism, then switches through it (a ping-pong, and greenlets started and finished on pooled fibers).</summary>
    internal static int RunMechanismChild()
    {
        Greenlet main = Greenlet.Current;
        var echo = new Greenlet(x =>
        {
            while (true)
            {
                x = main.Switch(x);
            }
        });
        int echoed = 0;
        for (int i = 0; i < 1000; i++)
        {
            echoed += (int)echo.Switch(i)!;
        }

        int finished = 0;
        for (int i = 0; i < 200; i++)
        {
            finished += (int)new Greenlet(() => 1).Switch()!;
        }

        Console.WriteLine($"mechanism: {HandoffGate.Mechanism}, echoed: {echoed}, finished: {finished}");
        return 0;
    }

    /// <summary>A gate of <paramref name="mechanism"/>, or null where it cannot run (futexes off Linux).</summary>
    private static HandoffGate? Create(string mechanism) =>
        mechanism == PortableHandoffGate.Name ? new PortableHandoffGate()
        : OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64 ? new FutexHandoffGate(pinnable: false)
        : null;
}
