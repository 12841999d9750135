using System.Runtime.ExceptionServices;

namespace Greenlets.Tests;

/// <summary>Runs a test body on a fresh OS thread (its own greenlet tree), guarded by <see cref="TestTimeouts.Unexpected"/>.</summary>
internal static class OnThread
{
    public static void Run(Action body)
    {
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                body();
            }
            catch (Exception e)
            {
                error = e;
            }
        }, 4 * 1024 * 1024) { IsBackground = true, Name = "test main" };
        thread.Start();
        if (!thread.Join(TestTimeouts.Unexpected))
        {
            throw new TimeoutException($"The test body did not finish within {TestTimeouts.Unexpected}.");
        }

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
