print("ccrelay")
