// Placeholder: the one-command devnet is built in the samples issue (#7).
Console.Error.WriteLine("The Phoenix devnet is not implemented yet: see issue #7.");
return 1;
