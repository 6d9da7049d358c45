Console.Error.WriteLine("impact60: no verbs yet");
return 2;
