print("bibkit")
