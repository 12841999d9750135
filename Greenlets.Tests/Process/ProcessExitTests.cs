using System.Diagnostics;

namespace Greenlets.Tests;

/// <summary>The process exits normally while greenlets are suspended (run as a child process).</summary>
[Trait("Category", "Stress")]
public sealed class ProcessExitTests
{
    /// <summary>Runs a <see cref="ChildProgram"/> scenario; returns its exit code, output, and how long it took to exit
    /// after printing its last line (its return from <c>Main</c>).</summary>
    internal static (int ExitCode, string Output, TimeSpan ExitDelay) RunChild(string scenario, params string[] more) =>
        RunChild(new Dictionary<string, string>(), scenario, more);

    /// <summary>Runs a <see cref="ChildProgram"/> scenario with extra environment variables.</summary>
    internal static (int ExitCode, string Output, TimeSpan ExitDelay) RunChild(IReadOnlyDictionary<string, string> environment, string scenario, params string[] more)
    {
        string assembly = typeof(ChildProgram).Assembly.Location;
        var start = new ProcessStartInfo("dotnet", ["exec", assembly, scenario, .. more])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach ((string name, string value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = new System.Text.StringBuilder();
        var lastLine = Stopwatch.StartNew();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (output)
                {
                    output.AppendLine(e.Data);
                    lastLine.Restart();
                }
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (output)
                {
                    output.AppendLine(e.Data);
                }
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(TestTimeouts.Unexpected))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The child '{scenario}' did not exit within {TestTimeouts.Unexpected}.");
        }

        TimeSpan delay = lastLine.Elapsed;
        process.WaitForExit();
        lock (output)
        {
            return (process.ExitCode, output.ToString(), delay);
        }
    }

    [Fact]
    public void Exit_WithSuspendedGreenlets_ExitsNormally()
    {
        var (code, output, exitDelay) = RunChild("exit-while-suspended");
        Assert.Equal(0, code);
        Assert.Contains("suspended: 50", output, StringComparison.Ordinal);
        Assert.Contains("hub: later ready=False, parked=Suspended, sleeping=Suspended", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled", output, StringComparison.Ordinal);

        // Parked fiber threads are background threads: the exit does not wait for them. (Measured ~0.05 s; the bound
        // only guards against a hang, timing goals live in the benchmarks.)
        Assert.True(exitDelay < TimeSpan.FromSeconds(10), $"the child took {exitDelay} to exit after Main returned");
    }

    [Fact]
    public void Reaper_UnobservedHandlerThrows_ProcessSurvives()
    {
        // The reaper thread has no caller: an exception escaping a handler there would end the process.
        var (code, output, _) = RunChild("unobserved-handler-throws-on-reaper");
        Assert.True(code == 0, $"exit code {code}: {output}");
        Assert.Contains("survived", output, StringComparison.Ordinal);
        Assert.Contains("handler bug", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Switch_RecursionTwentyThousandDeep_SurvivesOnTheDefaultStack()
    {
        // Reported on the former 256 KiB fiber stacks: a 20,000-deep recursion killed the process (exit 134).
        var (code, output, _) = RunChild("deep-recursion");
        Assert.True(code == 0, $"exit code {code}: {output}");
        Assert.Contains("depth: 20000", output, StringComparison.Ordinal);
    }
}
