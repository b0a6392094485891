"""Who works on appeals in the demo city, and for which addressees.

The accounts of hromada/accounts/demo.py (operator, executor, moderator) get their directory
memberships from hromada/directory/demo_data/directory.py; the officials below are added by the
appeals demo, with the e-mail the directory lists for them and the same demo password, so that
every addressee that receives appeals has a responsible person who assigns them and staff who
answer. ``(slug, True)`` marks the responsible membership.
"""

EXISTING = [
    # The demo executor also works in the unit of the official he is: housing appeals.
    ("executor@novoiarsk.example", [("zhkh-viddil-zhytlovyi", False)]),
]

# email, role, surname, first name, patronymic, phone, memberships
STAFF = [
    ("lytvynenko.t@novoiarsk.example", "operator", "Литвиненко", "Тетяна", "Анатоліївна",
     "+380675321021", [("viddil-zvernen", True)]),
    ("anticorruption@novoiarsk.example", "anticorruption", "Гнатюк", "Роман", "Ігорович",
     "+380675321030", [("vykonkom", False)]),
    ("boiko.s@novoiarsk.example", "executor", "Бойко", "Сергій", "Миколайович",
     "+380675322001", [("zhkh-upravlinnia", True)]),
    ("melnychuk.p@novoiarsk.example", "executor", "Мельничук", "Павло", "Андрійович",
     "+380675322002", [("zhkh-upravlinnia", False)]),
    ("rudenko.o@novoiarsk.example", "executor", "Руденко", "Олег", "Вікторович",
     "+380675322021", [("zhkh-viddil-zhytlovyi", True)]),
    ("savenko.v@novoiarsk.example", "executor", "Савенко", "Валентина", "Григорівна",
     "+380675322011", [("zhkh-viddil-blahoustroiu", True)]),
    ("kovalchuk.d@novoiarsk.example", "executor", "Ковальчук", "Денис", "Петрович",
     "+380975322012", [("zhkh-viddil-blahoustroiu", False)]),
    ("fedorenko.m@novoiarsk.example", "executor", "Федоренко", "Микола", "Петрович",
     "+380675321001", [("kp-teplomerezha", True)]),
    ("koval.l@novoiarsk.example", "executor", "Коваль", "Людмила", "Іванівна",
     "+380675321002", [("kp-teplomerezha", False)]),
    ("prysiazhniuk.v@novoiarsk.example", "executor", "Присяжнюк", "Володимир",
     "Олександрович", "+380675322201", [("kp-vodokanal", True)]),
    ("hrebeniuk.o@novoiarsk.example", "executor", "Гребенюк", "Олексій", "Сергійович",
     "+380675322202", [("kp-vodokanal", False)]),
    ("yakovenko.s@novoiarsk.example", "executor", "Яковенко", "Сергій", "Леонідович",
     "+380675323001", [("kp-novoiarskblahoustrii", True)]),
    ("kushnir.t@novoiarsk.example", "executor", "Кушнір", "Тетяна", "Василівна",
     "+380665323002", [("kp-novoiarskblahoustrii", False)]),
    ("diachenko.i@novoiarsk.example", "executor", "Дяченко", "Ігор", "Анатолійович",
     "+380675324001", [("kp-misksvitlo", True)]),
    ("soroka.v@novoiarsk.example", "executor", "Сорока", "Віталій", "Олегович",
     "+380635324002", [("kp-misksvitlo", False)]),
    ("shcherbak.a@novoiarsk.example", "executor", "Щербак", "Анатолій", "Вікторович",
     "+380675325001", [("kp-pasazhyrski-perevezennia", True)]),
    ("rybak.h@novoiarsk.example", "executor", "Рибак", "Ганна", "Степанівна",
     "+380505325002", [("kp-pasazhyrski-perevezennia", False)]),
    ("starosta.verbivka@novoiarsk.example", "executor", "Гуменюк", "Василь", "Іванович",
     "+380685321001", [("verbivskyi-okruh", True)]),
    ("polishchuk.a@novoiarsk.example", "executor", "Поліщук", "Артем", "Юрійович",
     "+380675326001", [("ekonomika-departament", True), ("ekonomika-viddil-torhivli", True)]),
    ("sereda.o@novoiarsk.example", "executor", "Середа", "Ольга", "Миколаївна",
     "+380675326002", [("ekonomika-viddil-torhivli", False)]),
    ("marchenko.p@novoiarsk.example", "executor", "Марченко", "Павло", "Ігорович",
     "+380675327001", [("mistobuduvannia-upravlinnia", True)]),
    ("havryliuk.m@novoiarsk.example", "executor", "Гаврилюк", "Максим", "Олександрович",
     "+380675327002",
     [("mistobuduvannia-viddil-zemelnyi", True), ("mistobuduvannia-upravlinnia", False)]),
    ("myroshnychenko.h@novoiarsk.example", "executor", "Мірошниченко", "Галина", "Олексіївна",
     "+380675328001", [("sotszakhyst-upravlinnia", True)]),
    ("tymoshenko.o@novoiarsk.example", "executor", "Тимошенко", "Оксана", "Володимирівна",
     "+380675328002", [("sotszakhyst-viddil-subsydii", True)]),
    ("levchuk.i@novoiarsk.example", "executor", "Левчук", "Ірина", "Богданівна",
     "+380675328003", [("sotszakhyst-viddil-vpo", True)]),
    ("zakharchenko.i@novoiarsk.example", "executor", "Захарченко", "Ірина", "Михайлівна",
     "+380675329001", [("osvita-upravlinnia", True)]),
    ("oliinyk.yu@novoiarsk.example", "executor", "Олійник", "Юлія", "Сергіївна",
     "+380675329002", [("osvita-viddil-doshkilnoi", True)]),
    ("lysenko.v@novoiarsk.example", "executor", "Лисенко", "Віталій", "Борисович",
     "+380675329101", [("zdorovia-upravlinnia", True)]),
    ("kuzmenko.l@novoiarsk.example", "executor", "Кузьменко", "Лариса", "Вікторівна",
     "+380675329201", [("finansove-upravlinnia", True)]),
    ("hrytsenko.v@novoiarsk.example", "executor", "Гриценко", "Вікторія", "Олегівна",
     "+380955329031", [("cnap", False)]),
]  # fmt: skip

# Operators of the appeals department and how often each one is on shift.
OPERATORS = [("operator@novoiarsk.example", 7), ("lytvynenko.t@novoiarsk.example", 3)]
ANTICORRUPTION_OFFICER = "anticorruption@novoiarsk.example"
# Reports of possible corruption are registered to the executive committee, where the
# designated officer works; nobody else there sees them (rules.py).
CORRUPTION_ADDRESSEE = "vykonkom"
