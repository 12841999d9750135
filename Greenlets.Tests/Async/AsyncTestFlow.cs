namespace Greenlets.Tests;

/// <summary>Runs an async test body in a fresh logical flow (so a fresh async greenlet tree), guarded by <see cref="TestTimeouts.Unexpected"/>.</summary>
internal static class AsyncTestFlow
{
    public static void Run(Func<Task> body)
    {
        Task task;
        using (ExecutionContext.SuppressFlow())
        {
            task = Task.Run(body);
        }

        if (!task.Wait(TestTimeouts.Unexpected))
        {
            throw new TimeoutException($"The test body did not finish within {TestTimeouts.Unexpected}.");
        }

        task.GetAwaiter().GetResult();
    }
}
