using System.Runtime.ExceptionServices;

namespace Greenlets.Tests;

/// <summary>Runs a test body on a fresh OS thread (its own greenlet tree), guarded by <see cref="TestTimeouts.Unexpected"/>.</summary>
internal static class OnThread
{
    public static void Run(Action body) => RunWithProgress(_ => body());

    /// <summary>Runs a long but bounded body whose steps each call the given <c>progress</c> action: the hang guard
    /// then bounds each step, not the whole run, so a busy machine that slows every step alike cannot trip it, while a
    /// step that hangs still fails the test.</summary>
    public static void RunWithProgress(Action<Action> body)
    {
        Exception? error = null;

        // Not disposed: after a timeout the body's thread may still signal them.
        var stepped = new AutoResetEvent(false);
        var done = new ManualResetEvent(false);
        var thread = new Thread(() =>
        {
            try
            {
                body(() => stepped.Set());
            }
            catch (Exception e)
            {
                error = e;
            }
            finally
            {
                done.Set();
            }
        }, 4 * 1024 * 1024) { IsBackground = true, Name = "test main" };
        thread.Start();
        int steps = 0;
        while (true)
        {
            int signalled = WaitHandle.WaitAny([done, stepped], TestTimeouts.Unexpected);
            if (signalled == 0)
            {
                break;
            }

            if (signalled == WaitHandle.WaitTimeout)
            {
                throw new TimeoutException(steps == 0
                    ? $"The test body did not finish within {TestTimeouts.Unexpected}."
                    : $"The test body made no progress within {TestTimeouts.Unexpected} after {steps} steps.");
            }

            steps++;
        }

        thread.Join();
        if (error is not null)
        {
            ExceptionDispatchInfo.Throw(error);
        }
    }

    public static T Run<T>(Func<T> body)
    {
        T result = default!;
        Run((Action)(() => result = body()));
        return result;
    }
}
