namespace Greenlets.Tests;

/// <summary>The hub's part of the child-process scenarios: pending timers and waiting tasks at exit.</summary>
public static partial class ExtraScenarios
{
    static partial void RunMore(string name, List<Greenlet>? keep, ref bool handled)
    {
        if (name != "exit-while-suspended")
        {
            return;
        }

        // A timer an hour away, a task parked on an event nobody sets, and one asleep: none may hold the process.
        GreenTask later = Hub.SpawnLater(TimeSpan.FromHours(1), () => Console.WriteLine("never"));
        var never = new GreenEvent();
        GreenTask parked = Hub.Spawn(() => never.Wait());
        GreenTask sleeping = Hub.Spawn(() => Hub.Sleep(TimeSpan.FromHours(1)));
        Hub.Sleep(TimeSpan.Zero);
        Console.WriteLine($"hub: later ready={later.IsReady}, parked={parked.State}, sleeping={sleeping.State}");
        handled = true;
    }
}
