using Impact60.Cli;

return await CliApp.RunAsync(args, Console.Out, Console.Error);
