/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * app_demo_words.c: the word lists and sentence templates `parley demo`
 * writes its forum from (app_demo.c holds the logic).
 */
#include "app_demo_int.h"

/* ---- word lists ---------------------------------------------------------
 *
 * Templates fill slots written as {x}: {t} a thing of the topic, {T} the
 * same capitalised, {u} another thing, {n} a small number, {y} a recent
 * year, {c} a century from the 11th to the 19th, {w} a Wikipedia article
 * of the topic.
 * Lists end with NULL.
 */


const struct topic app_demo_topics[] = {
{
	.name = "gardening",
	.title = "Gardening",
	.description =
	    "Vegetables, flowers, houseplants and everything that grows in "
	    "between.\n\n"
	    "Share your **harvests**, your *failures* and your questions. "
	    "Beginners are very welcome: nobody was born knowing when to plant "
	    "garlic.\n",
	.rules =
	    "1. Be kind, especially to beginners.\n"
	    "2. Say roughly where you garden (climate or zone) when you ask "
	    "for advice.\n"
	    "3. No selling seeds or plants in posts; use the weekly swap "
	    "thread.\n"
	    "4. Photos are welcome as links; describe what they show.\n",
	.weight = 12,
	.link_pct = 25,
	.things = (const char *const[]){
		"tomatoes", "basil", "seedlings", "peppers", "garlic",
		"succulents", "fruit trees", "pollinator plants",
		"strawberries", "houseplants", "rhubarb", "potatoes", "herbs",
		"heirloom beans", "sunflowers", "courgettes", "lettuce",
		"onions", "roses", "blueberries", "kale", "pumpkins", NULL },
	.titles = (const char *const[]){
		"What is eating my {t}?",
		"First {t} harvest of the year",
		"Overwintering {t}: worth the effort?",
		"Frost warning tonight, how are you protecting your {t}?",
		"Balcony update: {t} and {u} side by side",
		"Soil test came back, any advice on {t}?",
		"Companion planting {t} with {u}?",
		"Finally sorted out my {t} this weekend",
		"Is it too late in the season for {t}?",
		"Year two of growing {t} from seed",
		NULL },
	.lines = (const char *const[]){
		"The soil here is heavy clay, so {t} has always been a struggle.",
		"I water early in the morning and mulch heavily around the {t}.",
		"Last spring a late frost took out most of my {t}.",
		"Slugs seem to love {t} more than anything else in the garden.",
		"A thick layer of compost did more for the {t} than any "
		    "fertiliser.",
		"The {t} are in the sunniest corner, right next to the {u}.",
		"Next year I'm going to start the {t} indoors a few weeks "
		    "earlier.",
		"Rotating the beds every season has really cut down on disease.",
		NULL },
	.wiki = (const char *const[]){
		"Companion_planting", "Compost", "Raised-bed_gardening",
		"Permaculture", "Heirloom_plant", "Mulch", "Crop_rotation",
		"Cover_crop", "Seed_saving", NULL },
},
{
	.name = "cooking",
	.title = "Cooking",
	.description =
	    "Home cooking of every kind: weeknight dinners, slow weekend "
	    "projects, baking and preserving.\n\n"
	    "Recipes are best shared as text, with quantities. Tell us what "
	    "went *wrong* too; that is how everyone learns.\n",
	.rules =
	    "1. Include the recipe, or a link to it, when you show a dish.\n"
	    "2. Be civil about other people's taste.\n"
	    "3. No diet or health claims without a source.\n"
	    "4. Food safety questions: say how long it sat out and where.\n",
	.weight = 12,
	.link_pct = 25,
	.things = (const char *const[]){
		"sourdough", "risotto", "dumplings", "stock", "kimchi", "curry",
		"flatbread", "pickles", "pancakes", "tomato sauce",
		"roast vegetables", "dal", "pizza dough", "soups", "fried rice",
		"fresh pasta", "bread rolls", "granola", "chili", "omelettes",
		"lasagne", NULL },
	.titles = (const char *const[]){
		"What am I doing wrong with {t}?",
		"Weeknight {t} that takes under 30 minutes",
		"Finally nailed {t} after {n} attempts",
		"Best way to store leftover {t}?",
		"Cheap pantry staples that go well with {t}?",
		"Grandma's {t}, written down at last",
		"{T} for a crowd: any tips?",
		"Tried {t} with {u} and it actually worked",
		"What do you always keep in the freezer for {t}?",
		NULL },
	.lines = (const char *const[]){
		"The trick with {t} is patience and a properly hot pan.",
		"I use about half the salt the recipe calls for and adjust at "
		    "the end.",
		"A splash of vinegar at the end brightens the {t} a lot.",
		"Resting the dough overnight made a bigger difference than I "
		    "expected.",
		"I double the garlic in pretty much every recipe, {t} included.",
		"Cooking {t} in batches on Sunday saves me a lot of time during "
		    "the week.",
		"Toasting the spices first is the step people skip.",
		"I ended up serving the {t} with {u}, which was a happy "
		    "accident.",
		NULL },
	.wiki = (const char *const[]){
		"Sourdough", "Maillard_reaction", "Mise_en_place",
		"Cast-iron_cookware", "Risotto", "Dumpling", "Umami", "Kimchi",
		"Pickling", NULL },
},
{
	.name = "programming",
	.title = "Programming",
	.description =
	    "Writing software: languages, tools, debugging stories and the "
	    "craft of keeping code readable.\n\n"
	    "- Questions of every level are welcome.\n"
	    "- Post code as text in fenced blocks, not as screenshots.\n"
	    "- Show what you tried and what happened.\n",
	.rules =
	    "1. Post code as text, in a fenced code block.\n"
	    "2. No homework dumps: show your attempt.\n"
	    "3. Criticise code, never people.\n"
	    "4. Self-promotion is fine once in a while if you stick around "
	    "for the discussion.\n",
	.weight = 16,
	.link_pct = 40,
	.things = (const char *const[]){
		"unit tests", "code review", "SQLite", "memory leaks",
		"regular expressions", "build scripts", "C pointers",
		"Git rebases", "Python packaging", "error handling",
		"side projects", "linked lists", "hash tables", "Makefiles",
		"technical debt", "documentation", "shell scripts", "logging",
		"race conditions", "off-by-one errors", NULL },
	.titles = (const char *const[]){
		"How do you approach {t} on a small team?",
		"Spent a whole day chasing {t}, here's what I learned",
		"Is it worth learning about {t} in {y}?",
		"Explain {t} like I'm five",
		"{T} vs {u} for a weekend project?",
		"Code review etiquette: how blunt is too blunt?",
		"What finally made {t} click for you?",
		"Small tool I wrote to deal with {t}",
		"Refactoring a {n}-year-old codebase: where to start?",
		NULL },
	.lines = (const char *const[]){
		"The bug turned out to be an off-by-one error, as usual.",
		"Writing the tests first forced me to think about {t} properly.",
		"I keep a small notes file of every mistake I make with {t}.",
		"Reading the source was faster than searching for answers.",
		"Our CI caught it, which is the best argument for {t} I can "
		    "think of.",
		"The documentation on {t} is better than its reputation.",
		"Profiling showed the time went somewhere I did not expect.",
		"Try running it under `valgrind` first; it usually points "
		    "right at the problem.",
		"Keeping functions short made {t} much easier to reason about.",
		NULL },
	.wiki = (const char *const[]){
		"Linked_list", "Hash_table", "Regular_expression", "SQLite",
		"Unit_testing", "Code_review", "Git", "Make_(software)",
		"Technical_debt", "Rubber_duck_debugging", NULL },
},
{
	.name = "books",
	.title = "Books",
	.description =
	    "What you are reading, what you loved, what you gave up on.\n\n"
	    "All genres, all formats: paper, e-readers and audiobooks all "
	    "count. Mark plot details with a warning in the title.\n",
	.rules =
	    "1. Put **[spoilers]** in the title when you discuss endings.\n"
	    "2. Recommendation requests: say what you liked before.\n"
	    "3. No links to pirated copies.\n"
	    "4. Disagree about books, not with the person.\n",
	.weight = 10,
	.link_pct = 25,
	.things = (const char *const[]){
		"mystery novels", "poetry collections", "science fiction",
		"audiobooks", "short stories", "translated fiction",
		"biographies", "graphic novels", "classics", "fantasy series",
		"essay collections", "historical fiction", "long novels",
		"popular science", "travel writing", "crime fiction",
		"memoirs", "children's books", NULL },
	.titles = (const char *const[]){
		"Just finished a stack of {t}, here are my thoughts",
		"Recommendations for {t} that aren't the usual suspects?",
		"How many books do you read at once?",
		"Reading goal for {y}: {n} books so far, how are you doing?",
		"What got you back into reading?",
		"{T} or {u} for a long train journey?",
		"Do you finish books you don't enjoy?",
		"Underrated {t} you'd hand to a friend",
		NULL },
	.lines = (const char *const[]){
		"The middle dragged a bit, but the last hundred pages made up "
		    "for it.",
		"I've started keeping a notebook of quotes from {t}.",
		"Our library has a surprisingly good selection of {t}.",
		"The translation reads beautifully, which is not always the "
		    "case.",
		"I read mostly on the commute, so short chapters help.",
		"Audiobooks got me through a stretch when I had no time to sit "
		    "down and read.",
		"Re-reading it ten years later was a completely different "
		    "experience.",
		"The author's notes at the end are worth reading too.",
		NULL },
	.wiki = (const char *const[]){
		"Public_library", "Book_club", "Science_fiction",
		"Epistolary_novel", "Project_Gutenberg", "Audiobook",
		"Literary_fiction", "Short_story", NULL },
},
{
	.name = "cycling",
	.title = "Cycling",
	.description =
	    "Commuting, touring, racing, fixing: anything on two wheels "
	    "and pedals.\n\n"
	    "Ride reports, maintenance questions and route ideas are all "
	    "welcome here.\n",
	.rules =
	    "1. Be respectful of every kind of rider.\n"
	    "2. Maintenance questions: name the bike and the part.\n"
	    "3. No selling; no stolen-bike accusations without evidence.\n"
	    "4. Share routes without private addresses.\n",
	.weight = 9,
	.link_pct = 25,
	.things = (const char *const[]){
		"commuting", "gravel bikes", "tubeless tyres",
		"chain maintenance", "bike lights", "panniers", "touring",
		"saddles", "clipless pedals", "rain gear", "bike paths",
		"cargo bikes", "climbing", "gear ratios", "bike fitting",
		"winter riding", "puncture repair", "group rides", "e-bikes",
		NULL },
	.titles = (const char *const[]){
		"{T}: what made the biggest difference for you?",
		"First 100 km ride done!",
		"Commute report: {n} months in and still loving it",
		"Worth getting into {t} as a beginner?",
		"Squeaky noise I can't track down, any ideas?",
		"Weekend trip report, with notes on {t}",
		"How do you deal with {t} in the rain?",
		"{T} or {u}: where would you start?",
		NULL },
	.lines = (const char *const[]){
		"I clean and oil the chain every couple of weeks and it has "
		    "lasted ages.",
		"The path along the river makes the commute genuinely pleasant.",
		"Wider tyres at lower pressure were the best change I made.",
		"I carry a spare tube, a pump and a multitool on every ride.",
		"Climbing got easier once I stopped trying to stay in a big "
		    "gear.",
		"Proper lights front and back made me feel much safer in "
		    "winter.",
		"A professional fit sorted out knee pain I'd had for months.",
		"Most of my rides are under an hour, so {t} matters more than "
		    "weight.",
		NULL },
	.wiki = (const char *const[]){
		"Bicycle_touring", "Cycling_infrastructure",
		"Bicycle_commuting", "Derailleur", "Bicycle_tire",
		"Randonneuring", "Cargo_bike", "Velodrome", NULL },
},
{
	.name = "photography",
	.title = "Photography",
	.description =
	    "Taking pictures with any camera, from phones to large format "
	    "film.\n\n"
	    "Share your work as links, ask for *honest* critique, talk about "
	    "technique more than gear.\n",
	.rules =
	    "1. Only post photos you took yourself.\n"
	    "2. Critique requests: say what you were going for.\n"
	    "3. Critique the photo, kindly and specifically.\n"
	    "4. Gear questions: give a budget.\n",
	.weight = 9,
	.link_pct = 40,
	.things = (const char *const[]){
		"golden hour", "street photography", "portraits", "night skies",
		"macro shots", "black and white", "landscapes",
		"bird photography", "long exposures", "film photography",
		"darkroom work", "architecture shots", "wildlife",
		"light painting", "double exposures", "still life",
		"phone photography", NULL },
	.titles = (const char *const[]){
		"Critique welcome: my first attempt at {t}",
		"Is it worth getting serious about {t} as a hobbyist?",
		"What I learned from a year of {t}",
		"How do you organise and back up your photos?",
		"{T} on a budget",
		"Out early for some {t}, conditions were perfect",
		"Editing workflow for {t}?",
		"Favourite shot from this week: {t}",
		NULL },
	.lines = (const char *const[]){
		"I shot most of these handheld at a slow shutter speed and got "
		    "lucky.",
		"Getting there before sunrise made all the difference.",
		"Shooting RAW gave me a lot more room when lifting the shadows.",
		"I keep two backups, one of them off-site.",
		"The rule of thirds is a starting point, not a law.",
		"A cheap prime lens taught me more than any zoom I owned.",
		"Printing my photos changed how I look at them.",
		"Patience matters more than gear for {t}.",
		NULL },
	.wiki = (const char *const[]){
		"Rule_of_thirds", "Golden_hour_(photography)",
		"Exposure_(photography)", "Depth_of_field",
		"Long-exposure_photography", "Street_photography",
		"Pinhole_camera", "Darkroom", NULL },
},
{
	.name = "history",
	.title = "History",
	.description =
	    "The past, big and small: empires and trade routes, but also "
	    "the history of your street.\n\n"
	    "> The past is a foreign country; they do things differently "
	    "there.\n\n"
	    "Sources make every discussion better.\n",
	.rules =
	    "1. Cite sources for claims of fact when asked.\n"
	    "2. Nothing about events of the last twenty years.\n"
	    "3. No glorifying of atrocities.\n"
	    "4. Questions are welcome at every level.\n",
	.weight = 8,
	.link_pct = 40,
	.things = (const char *const[]){
		"medieval trade routes", "ancient Rome", "the printing press",
		"shipwrecks", "lighthouses", "canals", "early railways",
		"castles", "the Silk Road", "early aviation", "Roman roads",
		"the Bronze Age", "the telegraph", "windmills",
		"the Hanseatic League", "early postal services",
		"medieval guilds", NULL },
	.titles = (const char *const[]){
		"Daily life and {t}: what do we actually know?",
		"Found some fascinating records about {t} in my town's archive",
		"Good books on {t} for a curious beginner?",
		"How reliable are the sources on {t}?",
		"The {c} century and {t}: a short overview",
		"Myths about {t} that refuse to die",
		"Visited a museum about {t} this weekend",
		"Why did interest in {t} fade so quickly?",
		NULL },
	.lines = (const char *const[]){
		"Primary sources tell a messier story than most textbooks.",
		"Local archives are underused, and the staff are usually "
		    "delighted to help.",
		"Much of what we know comes from tax records, of all things.",
		"The museum had a model that finally made {t} make sense to me.",
		"It's worth remembering how slowly news travelled before {t}.",
		"Old maps are as interesting for what they leave out as for "
		    "what they show.",
		"Historians still disagree about how important {t} really was.",
		"Records from the {c} century are surprisingly detailed.",
		NULL },
	.wiki = (const char *const[]){
		"Silk_Road", "Printing_press", "Roman_roads", "Lighthouse",
		"Electrical_telegraph", "Windmill", "Shipwreck", "Archive",
		"Oral_history", "Canal", NULL },
},
{
	.name = "boardgames",
	.title = "Board games",
	.description =
	    "Tabletop games of every sort: card games, party games, heavy "
	    "strategy and classics.\n\n"
	    "| day | thread |\n"
	    "| --- | --- |\n"
	    "| Monday | What did you play? |\n"
	    "| Thursday | Rules questions |\n",
	.rules =
	    "1. Name the game in the title.\n"
	    "2. Mark spoilers for legacy campaigns.\n"
	    "3. No selling or trading in posts.\n"
	    "4. Friendly disagreement only: it's a game.\n",
	.weight = 9,
	.link_pct = 25,
	.things = (const char *const[]){
		"cooperative games", "deck builders", "worker placement games",
		"party games", "two-player games", "legacy campaigns",
		"solo games", "puzzle games", "abstract strategy games",
		"trick-taking games", "drafting games", "roll-and-write games",
		"dexterity games", "trading games", "word games",
		"classic card games", NULL },
	.titles = (const char *const[]){
		"Best {t} for a group of {n}?",
		"Game night report: {t} was a surprise hit",
		"How do you handle {t} with new players?",
		"Is it worth getting into {t}?",
		"Our shelf is full, but I keep buying {t}",
		"Rules question about {t}",
		"{T} vs {u} for a relaxed evening",
		"Just finished a long campaign, thoughts on {t}",
		NULL },
	.lines = (const char *const[]){
		"We play every other Friday and rotate who picks the game.",
		"Teaching the rules takes longer than the first round, every "
		    "time.",
		"Co-op games have been a hit with people who hate losing to "
		    "each other.",
		"I sort components into small bags, which speeds up setup a "
		    "lot.",
		"The solo mode is a nice way to learn the rules before game "
		    "night.",
		"Player count matters more than the box suggests.",
		"We house-ruled {t} a bit and it plays much better now.",
		"Nobody at the table wanted to stop after the third round.",
		NULL },
	.wiki = (const char *const[]){
		"Board_game", "Chess_opening", "Cooperative_board_game",
		"Deck-building_game", "Worker_placement_game", "Go_(game)",
		"Backgammon", "Mancala", NULL },
},
};

/* Titles that suit a text post of any topic. */
const char *const app_demo_text_titles[] = {
	"What's your take on {t}?",
	"Beginner question about {t}",
	"{T}: worth the effort?",
	"{T} vs {u}: which would you pick?",
	"Finally tried {t} and I have thoughts",
	"Any tips for {t} on a budget?",
	"{n} things I wish I'd known about {t} earlier",
	"Unpopular opinion about {t}",
	"Looking for advice on {t}",
	"How do you keep track of your {t}?",
	"A short guide to {t} for newcomers",
	"Does anyone else struggle with {t}?",
	"{T}, {n} months later: an update",
	"Good resources for learning about {t}?",
	"Small win today with {t}",
	"What changed your mind about {t}?",
	"Rookie mistakes with {t}",
	NULL
};

/* Titles that suit a link post of any topic. */
const char *const app_demo_link_titles[] = {
	"An introduction to {t}",
	"A practical guide to {t}",
	"Why {t} matters more than you might think",
	"Interesting read on {t}",
	"Long read: how {t} changed over the years",
	"{T}, explained",
	"A look back at {t}",
	"Found this excellent overview of {t} and {u}",
	"The surprising story behind {t}",
	NULL
};

/* First sentences of a text post. */
const char *const app_demo_post_openers[] = {
	"I've been getting into {t} over the last {n} months and wanted to "
	    "share where I am.",
	"Long-time lurker, first post.",
	"For context, I'm fairly new to this and still learning.",
	"A friend got me started with {t} and I haven't looked back.",
	"Quick question for the more experienced people here.",
	"This has been on my mind for a while.",
	NULL
};

/* Further sentences of a text post. */
const char *const app_demo_post_lines[] = {
	"Most guides I found skip over {t}, so here is what worked for me.",
	"The short version: {t} turned out to be easier than expected, {u} "
	    "did not.",
	"It took a few weekends, but it was worth it.",
	"I went back and forth on {t} for a long time before trying it.",
	"Honestly, the hardest part was getting started at all.",
	"Money was tight, so I started with the cheapest option.",
	"I also asked around locally, with mixed answers.",
	"{T} was the part that surprised me most.",
	NULL
};

/* Last sentences of a text post. */
const char *const app_demo_post_endings[] = {
	"What would you do differently?",
	"Has anyone else tried this?",
	"What am I missing?",
	"Curious what everyone here thinks.",
	"Any pointers are welcome, even basic ones.",
	"Happy to answer questions if you're thinking of trying the same.",
	"I'd love to hear how others approach {t}.",
	"**Edit:** thanks for all the replies so far!",
	NULL
};

/* Lead-ins for a list, a quotation and a code block in a post. */
const char *const app_demo_list_intros[] = {
	"What worked for me:", "A few things I tried:", "My current setup:",
	"Things I'd tell my past self:", "What I'm planning next:", NULL
};
const char *const app_demo_quote_intros[] = {
	"A friend put it well:", "Something I read years ago stuck with me:",
	"As the old sidebar guide says:", "My neighbour's advice was simple:",
	NULL
};
const char *const app_demo_quotes[] = {
	"Start small, stay consistent, and write things down.",
	"Nobody gets it right the first time.",
	"Slow is smooth, and smooth is fast.",
	"Measure twice, cut once.",
	"The best time to start was years ago; the second best is today.",
	"Do the simple thing first and see what it teaches you.",
	NULL
};
const char *const app_demo_code_intros[] = {
	"Here is the relevant bit:", "Minimal example:",
	"This is what I ended up with:", "Stripped down, it looks like this:",
	NULL
};

/* Short verdicts for list items and table rows. */
const char *const app_demo_notes[] = {
	"worth every penny", "surprisingly good", "a bit fiddly",
	"would skip next time", "great for beginners", "needs patience",
	"cheap and cheerful", "the real game changer", "mixed results",
	"better than expected", NULL
};

/* Fenced code for programming posts, one whole block each. */
const char *const app_demo_code_blocks[] = {
	"```c\n"
	"static size_t\n"
	"count_lines(const char *s)\n"
	"{\n"
	"\tsize_t n = 0;\n"
	"\n"
	"\twhile (*s != '\\0')\n"
	"\t\tif (*s++ == '\\n')\n"
	"\t\t\tn++;\n"
	"\treturn n;\n"
	"}\n"
	"```\n",
	"```python\n"
	"def chunks(items, size):\n"
	"    for i in range(0, len(items), size):\n"
	"        yield items[i:i + size]\n"
	"```\n",
	"```sh\n"
	"git log --oneline --since=\"1 week ago\" | wc -l\n"
	"```\n",
	"```sql\n"
	"SELECT author, count(*) AS posts\n"
	"FROM posts\n"
	"GROUP BY author\n"
	"ORDER BY posts DESC\n"
	"LIMIT 10;\n"
	"```\n",
	"```js\n"
	"const debounce = (fn, ms) => {\n"
	"  let timer;\n"
	"  return (...args) => {\n"
	"    clearTimeout(timer);\n"
	"    timer = setTimeout(() => fn(...args), ms);\n"
	"  };\n"
	"};\n"
	"```\n",
	"```go\n"
	"func reverse(s []int) {\n"
	"\tfor i, j := 0, len(s)-1; i < j; i, j = i+1, j-1 {\n"
	"\t\ts[i], s[j] = s[j], s[i]\n"
	"\t}\n"
	"}\n"
	"```\n",
	NULL
};

/* Sentences for comments of any topic. */
const char *const app_demo_comment_lines[] = {
	"I've had good luck with {t}, honestly.",
	"Have you tried {t}? It made a big difference for me.",
	"Thanks for writing this up, it's really helpful.",
	"I'm not sure I agree. In my experience {t} matters more than people "
	    "think.",
	"Same here. {T} was what finally made it click for me.",
	"Could you say a bit more about how you handled {t}?",
	"Saving this for later.",
	"This is the kind of post I come here for.",
	"It depends a lot on what you want out of it, I think.",
	"Counterpoint: {t} is fine if you keep it simple.",
	"I tried that last year and ended up going back to {t}.",
	"Great question. I'd start small and see how it goes.",
	"My experience was the opposite, but I can see why it worked for "
	    "you.",
	"Came here to say exactly this.",
	"The second point is underrated.",
	"How long did that take you?",
	"Honestly, {t} is where most people get stuck at first.",
	"I'd add {t} to that list.",
	"That's fair, I hadn't thought about it that way.",
	"Do you have a source for that? Genuinely curious.",
	"Took me {n} tries before it worked, so don't give up.",
	"Seconding this. {T} and {u} go together really well.",
	"Love this, thanks for sharing!",
	"Any update on how it turned out?",
	"Not an expert, but I think {t} is the usual suspect here.",
	"I keep coming back to {t}, it just works.",
	"Welcome! Everyone starts somewhere.",
	"Ha, I made the same mistake with {t}.",
	"Fair point, though I'd still give {u} a try first.",
	NULL
};

/* Users every demo has, in this order; the first is MARKER_USER. */
const char *const app_demo_named_users[] = {
	"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi",
	"ivan", "judy", "mallory", "niaj", "olivia", "peggy", "rupert",
	"sybil", "trent", "victor", "walter", "wendy", "xavier", "yolanda",
	"zoe", "arthur", "beatrice", "cedric", "daphne", "edgar", "fiona",
	"gideon", "harriet", "jasmine", "kwame", "leila", "mateo", "nadia",
	"oscar", "priya", "quentin", "rosa", "sanjay", "tomas", "ursula",
	"vera", "yusuf",
};

/* Halves of the generated user names. */
const char *const app_demo_name_adj[] = {
	"quiet", "amber", "brisk", "cobalt", "dusty", "eager", "fern",
	"gentle", "hazel", "ivory", "jolly", "keen", "lunar", "misty",
	"nimble", "olive", "plucky", "rusty", "sunny", "tidy", "umber",
	"velvet", "windy", "zesty",
};
const char *const app_demo_name_noun[] = {
	"heron", "otter", "maple", "badger", "comet", "falcon", "lantern",
	"meadow", "pebble", "quill", "raven", "sparrow", "thistle", "walrus",
	"willow", "acorn", "beacon", "cedar", "dune", "ember",
};

const size_t app_demo_named_users_n = ARRAY_LEN(app_demo_named_users);
const size_t app_demo_name_adj_n = ARRAY_LEN(app_demo_name_adj);
const size_t app_demo_name_noun_n = ARRAY_LEN(app_demo_name_noun);
