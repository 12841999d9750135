namespace Greenlets.Tests;

/// <summary>Hub programs shared by the deterministic-test tests.</summary>
internal static class TestBodies
{
    /// <summary>The lost-update race: two increments that read, yield, then write. The second one starts with a yield
    /// (it "logs in" first), so gevent's FIFO order never overlaps them and the bug hides there.</summary>
    public static void LostUpdate()
    {
        int counter = 0;
        void Increment()
        {
            int read = counter;
            Hub.Sleep(TimeSpan.Zero);
            counter = read + 1;
        }

        GreenTask first = Hub.Spawn(Increment);
        GreenTask second = Hub.Spawn(() =>
        {
            Hub.Sleep(TimeSpan.Zero);
            Increment();
        });
        Hub.JoinAll([first, second]);
        if (counter != 2)
        {
            throw new InvalidOperationException($"Lost update: the counter is {counter}, not 2.");
        }
    }

    /// <summary>Three greenlets of two steps each, a yield between the steps; returns the order the steps ran in.</summary>
    public static string ThreeByTwo()
    {
        var log = new List<string>();
        GreenTask Worker(string name) => Hub.Spawn(() =>
        {
            log.Add(name + "1");
            Hub.Sleep(TimeSpan.Zero);
            log.Add(name + "2");
        });

        Hub.JoinAll([Worker("a"), Worker("b"), Worker("c")]);
        return string.Join(" ", log);
    }

    /// <summary>Three greenlets that each sleep one second, then log their name, so that their timers fall due at the
    /// same instant; returns the order they woke in.</summary>
    public static string TimersDueAtOnce()
    {
        var log = new List<string>();
        Hub.JoinAll([.. new[] { "a", "b", "c" }.Select(name => Hub.Spawn(() =>
        {
            Hub.Sleep(TimeSpan.FromSeconds(1));
            log.Add(name);
        }))]);
        return string.Concat(log);
    }

    /// <summary>A queue, an event, a lock and yields between four named tasks, logging what happens.</summary>
    public static void Mixed(Action<string> log)
    {
        var queue = new GreenQueue<int>(1);
        var done = new GreenEvent();
        var gate = new GreenLock();
        GreenTask producer = Hub.Spawn(() =>
        {
            for (int i = 0; i < 3; i++)
            {
                queue.Put(i);
                log($"put {i}");
            }
        });
        producer.Name = "producer";
        GreenTask consumer = Hub.Spawn(() =>
        {
            for (int i = 0; i < 3; i++)
            {
                log($"got {queue.Get()}");
            }

            done.Set();
        });
        consumer.Name = "consumer";
        GreenTask late = Hub.Spawn(() =>
        {
            done.Wait();
            gate.Acquire();
            Hub.Sleep(TimeSpan.Zero);
            gate.Release();
            log("late");
        });
        late.Name = "late";
        GreenTask early = Hub.Spawn(() =>
        {
            gate.Acquire();
            Hub.Sleep(TimeSpan.Zero);
            Hub.Sleep(TimeSpan.Zero);
            gate.Release();
            log("early");
        });
        early.Name = "early";
        Hub.JoinAll([producer, consumer, late, early]);
    }
}
