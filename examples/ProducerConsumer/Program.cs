// Manual task handoff: a producer and a consumer greenlet pass items straight to each other with Switch,
// with no queue, no lock and no scheduler. Each Switch is both "here is an item" and "your turn".
using Greenlets;

const int items = 8;
var log = new List<string>();

Greenlet? consumer = null;
var producer = new Greenlet(() =>
{
    for (int i = 1; i <= items; i++)
    {
        string item = $"item-{i}";
        log.Add($"produce {item}");

        // Hand the item over; the consumer switches back when it wants the next one.
        consumer!.Switch(item);
    }

    // Tell the consumer there is nothing more.
    consumer!.Switch(null);
}) { Name = "producer" };

consumer = new Greenlet(first =>
{
    int total = 0;
    for (object? item = first; item is string s; item = producer.Switch())
    {
        total += s.Length;
        log.Add($"  consume {s}");
    }

    return total;
}) { Name = "consumer" };

// Main starts the producer; the consumer's return value (its parent is main) ends the exchange.
using var recorder = new SwitchRecorder();
object? total = producer.Switch();

// The producer is still suspended in its last handoff: kill it so its thread is freed now.
producer.Throw();

log.ForEach(Console.WriteLine);
Console.WriteLine($"consumed {items} items, {total} characters, in {recorder.Events.Count} switches");
Console.WriteLine("first switches: " + string.Join(", ", recorder.Events.Take(5)));
