// The tutorial's greenlet program: two tasks hand control to each other with an explicit Switch,
// then the same run's switch order as recorded by SwitchRecorder.
using Greenlets;

const int rounds = 3;
Greenlet? gr1 = null;
Greenlet? gr2 = null;

gr1 = new Greenlet(() =>
{
    for (int i = 0; i < rounds; i++)
    {
        Console.WriteLine("--task1--");
        gr2!.Switch();
    }
}) { Name = "gr1" };

gr2 = new Greenlet(() =>
{
    for (int i = 0; i < rounds; i++)
    {
        Console.WriteLine("--task2--");
        gr1.Switch();
    }
}) { Name = "gr2" };

using var recorder = new SwitchRecorder();
gr1.Switch();

// gr1 finished after its last round and returned to main; gr2 is still suspended in its last Switch.
gr2.Throw();

Console.WriteLine();
Console.WriteLine("Switch order:");
foreach (string e in recorder.Events)
{
    Console.WriteLine("  " + e);
}

Console.WriteLine();
Console.WriteLine(recorder.ToMermaid());
