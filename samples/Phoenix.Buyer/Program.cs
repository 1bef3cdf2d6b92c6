// Placeholder: the host is built in the samples issue (#7).
Console.Error.WriteLine("Not yet implemented: see issue #7.");
return 1;
