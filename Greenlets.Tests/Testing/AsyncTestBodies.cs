namespace Greenlets.Tests;

/// <summary>The async forms of <see cref="TestBodies"/>: the same hub programs on the async hub.</summary>
internal static class AsyncTestBodies
{
    /// <summary>The lost-update race on async greenlets: two increments that read, yield, then write; the second starts
    /// with a yield, so FIFO never overlaps them.</summary>
    public static async ValueTask LostUpdate()
    {
        int counter = 0;
        async ValueTask Increment()
        {
            int read = counter;
            await AsyncHub.SleepAsync(TimeSpan.Zero);
            counter = read + 1;
        }

        AsyncGreenTask first = AsyncHub.Spawn(Increment);
        AsyncGreenTask second = AsyncHub.Spawn(async () =>
        {
            await AsyncHub.SleepAsync(TimeSpan.Zero);
            await Increment();
        });
        await AsyncHub.JoinAllAsync([first, second]);
        if (counter != 2)
        {
            throw new InvalidOperationException($"Lost update: the counter is {counter}, not 2.");
        }
    }

    /// <summary>Three async greenlets of two steps each, a yield between the steps; returns the order the steps ran in.</summary>
    public static async ValueTask<string> ThreeByTwo()
    {
        var log = new List<string>();
        AsyncGreenTask Worker(string name) => AsyncHub.Spawn(async () =>
        {
            log.Add(name + "1");
            await AsyncHub.SleepAsync(TimeSpan.Zero);
            log.Add(name + "2");
        });

        await AsyncHub.JoinAllAsync([Worker("a"), Worker("b"), Worker("c")]);
        return string.Join(" ", log);
    }

    /// <summary>Three async greenlets that each sleep one second, then log their name, so that their timers fall due at
    /// the same instant; returns the order they woke in.</summary>
    public static async ValueTask<string> TimersDueAtOnce()
    {
        var log = new List<string>();
        await AsyncHub.JoinAllAsync([.. new[] { "a", "b", "c" }.Select(name => AsyncHub.Spawn(async () =>
        {
            await AsyncHub.SleepAsync(TimeSpan.FromSeconds(1));
            log.Add(name);
        }))]);
        return string.Concat(log);
    }

    /// <summary>A queue, an event, a lock and yields between four named async tasks, logging what happens.</summary>
    public static async ValueTask Mixed(Action<string> log)
    {
        var queue = new GreenQueue<int>(1);
        var done = new GreenEvent();
        var gate = new GreenLock();
        AsyncGreenTask producer = AsyncHub.Spawn(async () =>
        {
            for (int i = 0; i < 3; i++)
            {
                await queue.PutAsync(i);
                log($"put {i}");
            }
        });
        producer.Name = "producer";
        AsyncGreenTask consumer = AsyncHub.Spawn(async () =>
        {
            for (int i = 0; i < 3; i++)
            {
                log($"got {await queue.GetAsync()}");
            }

            done.Set();
        });
        consumer.Name = "consumer";
        AsyncGreenTask late = AsyncHub.Spawn(async () =>
        {
            await done.WaitAsync();
            await gate.AcquireAsync();
            await AsyncHub.SleepAsync(TimeSpan.Zero);
            gate.Release();
            log("late");
        });
        late.Name = "late";
        AsyncGreenTask early = AsyncHub.Spawn(async () =>
        {
            await gate.AcquireAsync();
            await AsyncHub.SleepAsync(TimeSpan.Zero);
            await AsyncHub.SleepAsync(TimeSpan.Zero);
            gate.Release();
            log("early");
        });
        early.Name = "early";
        await AsyncHub.JoinAllAsync([producer, consumer, late, early]);
    }
}
