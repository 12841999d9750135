// A bank with 50 counters serving 100,000 customers, as a discrete-event simulation where every customer is an
// AsyncGreenlet: a customer's whole life is straight-line code (arrive, queue, get served, leave), and every wait is a
// switch to the scheduler greenlet. Reports the queueing statistics and the switch rate (after a short warm-up run).
using System.Diagnostics;
using Simulation;

const int counters = 50;
const double meanBetweenArrivals = 1.0; // minutes
const double meanService = 45.0;        // minutes: 45 / 50 = 90% load

RunBank(customers: 10_000, report: false);
RunBank(customers: 100_000, report: true);

static void RunBank(int customers, bool report)
{
    var simulation = new Simulation.Simulation(seed: 2026);
    var bank = new Resource(simulation, counters);
    double totalWait = 0;
    double maxWait = 0;
    int served = 0;

    async ValueTask Customer()
    {
        double arrived = simulation.Now;
        await bank.Acquire();
        double waited = simulation.Now - arrived;
        totalWait += waited;
        maxWait = Math.Max(maxWait, waited);
        await simulation.Hold(simulation.Exponential(meanService));
        bank.Release();
        served++;
    }

    async ValueTask Arrivals()
    {
        for (int i = 0; i < customers; i++)
        {
            simulation.Spawn(Customer);
            await simulation.Hold(simulation.Exponential(meanBetweenArrivals));
        }
    }

    simulation.Spawn(Arrivals);
    long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
    var clock = Stopwatch.StartNew();
    double end = simulation.Run();
    clock.Stop();
    long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
    if (!report)
    {
        return;
    }

    Console.WriteLine($"customers served     {served:N0} at {counters} counters");
    Console.WriteLine($"simulated time       {end:N0} minutes ({end / 60 / 24:N1} days)");
    Console.WriteLine($"mean / max wait      {totalWait / served:N1} / {maxWait:N1} minutes");
    Console.WriteLine($"longest queue        {bank.MaxQueue:N0} customers");
    Console.WriteLine($"greenlets            {simulation.Processes:N0}");
    Console.WriteLine($"switches             {simulation.Switches:N0}");
    Console.WriteLine($"wall time            {clock.Elapsed.TotalMilliseconds:N0} ms");
    Console.WriteLine($"switch rate          {simulation.Switches / clock.Elapsed.TotalSeconds / 1e6:N1} M switches/s " +
        $"({clock.Elapsed.TotalNanoseconds / simulation.Switches:N0} ns per switch, event queue and statistics included)");
    Console.WriteLine($"allocated            {allocated / (double)simulation.Processes:N0} B per greenlet");
}
